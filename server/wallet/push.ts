/**
 * The push sender seam between the pass-notify Inngest function and the Apple Wallet work.
 * pass-notify calls `pushSender().send()` once per changed pass version; the sender pushes to
 * every device registered for the pass and records one PushDelivery per device.
 *
 * The default sender records a PushDelivery per registration without contacting APNs (status
 * QUEUED); the APNs sender (server/wallet/apns.ts) replaces it with `setPushSender()` when the
 * app starts (server/wallet/install.ts, from instrumentation). The sender lives on globalThis:
 * Next.js gives instrumentation and each route bundle their own module instances.
 */
import { db } from "../db/client";

export interface PassPush {
  passId: string;
  versionTag: bigint;
  correlationId: string;
}

export interface PushOutcome {
  /** Registrations the pass had. */
  devices: number;
  accepted: number;
  rejected: number;
  /**
   * Pushes still failing after the sender's own retries (429, 5xx, connection errors). Calling
   * `send` again for the same version pushes only to these devices.
   */
  failed: number;
  /** The pass already has a newer version; nothing was sent (that version's push covers it). */
  superseded?: boolean;
  /** APNs rejected pushes for a reason that points at the tenant's setup (e.g. "BadDeviceToken"). */
  configurationProblem?: string;
}

export interface PushSender {
  send(push: PassPush): Promise<PushOutcome>;
}

/** Records a QUEUED PushDelivery for every registration of the pass; sends nothing. */
export const recordingPushSender: PushSender = {
  async send(push) {
    const registrations = await db().registration.findMany({ where: { passId: push.passId }, select: { deviceId: true } });
    if (registrations.length) {
      await db().pushDelivery.createMany({
        data: registrations.map((r) => ({ passId: push.passId, deviceId: r.deviceId, versionTag: push.versionTag, correlationId: push.correlationId })),
        skipDuplicates: true,
      });
    }
    return { devices: registrations.length, accepted: 0, rejected: 0, failed: 0 };
  },
};

const holder = globalThis as unknown as { passflowPushSender?: PushSender };

/** The sender pass-notify uses. */
export function pushSender(): PushSender {
  return holder.passflowPushSender ?? recordingPushSender;
}

/** Replaces the sender (the APNs sender at start-up; tests). */
export function setPushSender(sender: PushSender): void {
  holder.passflowPushSender = sender;
}
