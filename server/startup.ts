/**
 * Runs once when the Next.js server starts (from instrumentation.ts): invalid configuration
 * prints one line naming the variable and stops the process before it serves anything; then the
 * APNs push sender is installed for pass-notify.
 */
import { parseEnv } from "./env";
import { installWalletPushSender } from "./wallet/install";

try {
  parseEnv();
} catch (err) {
  console.error(`passflow: ${(err as Error).message}`);
  process.exit(1);
}

installWalletPushSender();
