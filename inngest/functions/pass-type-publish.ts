/**
 * pass-type-publish: on `pass-type.publish.requested`, gives every live pass of the published
 * type its new version and pushes it to its devices (server/passes/publish.ts for the record and
 * the batches, server/wallet/publish.ts for the walk).
 *
 * One step per time slice (batches for up to 20 s, each batch committed with the record's cursor
 * and counts), so a run has a bounded number of steps whatever the number of passes, and a retry
 * or a restart continues from the committed cursor: a batch is bumped once, and a range bumped but
 * not recorded as pushed is pushed again to the devices not yet settled for the pass's version.
 *
 * Step `google-class` first writes the pass type's Google Wallet class again (tenants with a
 * Google Wallet issuer; a refusal is recorded on the class, not thrown).
 *
 * Rate: one publication per tenant at a time (concurrency keyed by tenant), paced at the tenant's
 * publishPushesPerSecond, so a tenant's publications never push faster than that together.
 * Retries: 5; onFailure marks the publication FAILED with the error (a new publish of the type
 * walks every pass again).
 */
import { inngest } from "../client";
import { passTypePublishRequested } from "../events";
import { failPublish, getPublish } from "@/server/passes/publish";
import { logger, withCorrelation } from "@/server/platform/log";
import type { PushSender } from "@/server/wallet/push";
import { runPublishSlice } from "@/server/wallet/publish";
import { syncGoogleClassOfPublish } from "@/server/wallet/google/objects";

/** How long one step walks before handing over to the next (well within a serve call's time). */
const SLICE_BUDGET_MS = 20_000;

/** The pass-type-publish function pushing through `sender`. */
export const createPassTypePublish = (sender: PushSender) =>
  inngest.createFunction(
    {
      id: "pass-type-publish",
      name: "Pass type publish (every holder)",
      triggers: [passTypePublishRequested],
      retries: 5,
      concurrency: [{ key: "event.data.tenantId", limit: 1 }],
      onFailure: async ({ event, error }) => {
        const { publishId, correlationId } = event.data.event.data;
        await failPublish(publishId, error.message);
        withCorrelation(correlationId, () => logger.error({ publishId, err: error.message }, "pass type publication failed for good"));
      },
    },
    async ({ event, step }) => {
      const { publishId, correlationId } = event.data;
      // the pass type's Google Wallet class gets the published design first (never fails the run)
      await step.run("google-class", () => withCorrelation(correlationId, () => syncGoogleClassOfPublish(publishId)));
      for (let slice = 0; ; slice++) {
        const r = await step.run(`slice-${slice}`, () => withCorrelation(correlationId, () => runPublishSlice(publishId, sender, SLICE_BUDGET_MS)));
        if (r.finished) break;
      }
      return step.run("progress", async () => {
        const p = await getPublish(publishId);
        return p && { status: p.status, total: p.total, done: p.done, pushesSent: p.pushesSent, pushesFailed: p.pushesFailed, muted: p.muted };
      });
    },
  );
