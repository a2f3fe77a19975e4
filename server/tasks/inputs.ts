/**
 * What a SyncTask stores as `input`: the validated request, in the form the Inngest functions
 * read back (they re-validate it with these schemas).
 */
import { z } from "zod";

/** A value Klaviyo can put in a pass field: template output is text; JSON bodies may use numbers and booleans. */
export const fieldValue = z.union([z.string(), z.number(), z.boolean(), z.null()], { error: "must be a string, number, boolean or null" });

/** Input of a PASS_UPDATE task (from `passes/pushUpdate`). */
export const passUpdateInput = z.object({
  /** Identifiers as sent (strings; empty ones removed). Normalized by the pass-update function. */
  identifiers: z.record(z.string(), z.string()),
  /** Target pass type key, or null to keep the pass's type. */
  passType: z.string().nullable(),
  /** Field values to set; a null value removes the field. Null when absent. */
  additionalData: z.record(z.string(), fieldValue).nullable(),
  updateMetadata: z.boolean(),
});
export type PassUpdateInput = z.infer<typeof passUpdateInput>;

/** Marketing consent of a channel: Klaviyo's consent values (NEVER_SUBSCRIBED included) and SUPPRESSED. */
export const consentStatus = z.enum(["SUBSCRIBED", "UNSUBSCRIBED", "NEVER_SUBSCRIBED", "SUPPRESSED"]);
export type ConsentStatus = z.infer<typeof consentStatus>;

/** Input of a PROFILE_SYNC task (from `profiles/sync`: a flow body or one system-webhook event). */
export const profileSyncInput = z.object({
  source: z.enum(["flow", "system_webhook"]),
  klaviyoProfileId: z.string().nullable(),
  email: z.string().nullable(),
  /** As sent (any format); normalized with the tenant's default region by profile-sync. */
  phone: z.string().nullable(),
  /** Klaviyo profile `external_id`: the merchant's customerId. */
  externalId: z.string().nullable(),
  properties: z.record(z.string(), fieldValue).nullable(),
  consent: z.object({ email: consentStatus.optional(), sms: consentStatus.optional() }).nullable(),
  /** System webhook: topic, event id and when Klaviyo recorded it. */
  topic: z.string().nullable(),
  eventId: z.string().nullable(),
  occurredAt: z.string().nullable(),
  /** `merchant` when the change came from the merchant's own system: never synced back to it. */
  origin: z.string().nullable(),
});
export type ProfileSyncInput = z.infer<typeof profileSyncInput>;
