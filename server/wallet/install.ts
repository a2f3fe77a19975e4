/**
 * Installs the APNs push sender in the app process (called from server/startup.ts, which
 * instrumentation.ts runs once at start-up), so pass-notify's `pushSender()` reaches APNs.
 */
import { createApnsSender } from "./apns";
import { setPushSender } from "./push";

const flag = globalThis as unknown as { passflowApnsInstalled?: boolean };

export function installWalletPushSender(): void {
  if (flag.passflowApnsInstalled) return;
  flag.passflowApnsInstalled = true;
  setPushSender(createApnsSender());
}
