/**
 * pass-notify: on `pass.changed`, push the pass to every device registered for it through the
 * push pipeline it is given (server/wallet/push.ts: one PushDelivery per device; the app gives
 * it the APNs transport, tests a transport of their own).
 *
 * No step: the push is the function's only effect, so a retry re-runs it as a whole (devices
 * already settled for the version are not pushed again), and a run is one call of the serve
 * endpoint.
 *
 * Retries: 5 (APNs or the network being briefly unavailable). Concurrency: one run per pass at a
 * time (pushes of one pass never interleave) and at most 20 per tenant.
 *
 * onFailure only logs: the task that changed the pass did its work (the pass has its new
 * version, which every device gets on its next update check), and the per-device outcome is in
 * PushDelivery, so the SyncTask stays SUCCEEDED.
 */
import { inngest } from "../client";
import { passChanged } from "../events";
import { logger, withCorrelation } from "@/server/platform/log";
import type { PushSender } from "@/server/wallet/push";

/** The pass-notify function pushing through `sender`. */
export const createPassNotify = (sender: PushSender) =>
  inngest.createFunction(
    {
      id: "pass-notify",
      name: "Pass notify (push to devices)",
      triggers: [passChanged],
      retries: 5,
      concurrency: [
        { key: "event.data.passId", limit: 1 },
        { key: "event.data.tenantId", limit: 20 },
      ],
      onFailure: async ({ event, error }) => {
        const { passId, versionTag, taskId, correlationId } = event.data.event.data;
        withCorrelation(correlationId, () => logger.error({ passId, versionTag, taskId, err: error.message }, "pass push failed for good"));
      },
    },
    async ({ event }) => {
      const { passId, versionTag, correlationId } = event.data;
      return withCorrelation(correlationId, () => sender.send({ passId, versionTag: BigInt(versionTag), correlationId }));
    },
  );
