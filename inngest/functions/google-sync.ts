/**
 * google-sync: on `google.object.sync.requested`, PATCHes the pass's Google Wallet object with
 * what changed in that version (server/wallet/google/objects.ts syncGoogleObject), beside
 * pass-notify's APNs pushes. The event is sent only for a pass that has an object (with its
 * `pass.changed`: inngest/events.ts passVersionEvents; by a publication), so a pass never saved
 * to Google Wallet costs no run; a tenant without an issuer (any more) or a pass whose object is
 * gone is skipped. Idempotent per pass version.
 *
 * No step: the PATCH is the function's only effect. The client retries 429/5xx itself with
 * back-off; what still fails is thrown and retried by Inngest (5 retries, exponential), except
 * Google's other 4xx, final (NonRetriableError, the reason kept on the GoogleWalletPatch row).
 * Concurrency: one run per pass at a time (its PATCHes and notify count never interleave), at most
 * 10 per tenant. onFailure only logs: the pass's own change succeeded.
 */
import { NonRetriableError } from "inngest";
import { inngest } from "../client";
import { googleObjectSyncRequested } from "../events";
import { logger, withCorrelation } from "@/server/platform/log";
import { GoogleApiError } from "@/server/wallet/google/api";
import { syncGoogleObject } from "@/server/wallet/google/objects";

export const googleSync = inngest.createFunction(
  {
    id: "google-sync",
    name: "Google Wallet sync (PATCH the object)",
    triggers: [googleObjectSyncRequested],
    retries: 5,
    concurrency: [
      { key: "event.data.passId", limit: 1 },
      { key: "event.data.tenantId", limit: 10 },
    ],
    onFailure: async ({ event, error }) => {
      const { passId, versionTag, correlationId } = event.data.event.data;
      withCorrelation(correlationId, () => logger.error({ passId, versionTag, err: error.message }, "Google Wallet object sync failed for good"));
    },
  },
  async ({ event }) => {
    const { passId, tenantId, versionTag, correlationId } = event.data;
    return withCorrelation(correlationId, async () => {
      try {
        return await syncGoogleObject({ passId, tenantId, versionTag: BigInt(versionTag) });
      } catch (err) {
        if (err instanceof GoogleApiError && !err.retryable) throw new NonRetriableError(err.message);
        throw err;
      }
    });
  },
);
