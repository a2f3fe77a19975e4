/**
 * Request bodies of the two Klaviyo listeners (zod), and their mapping to SyncTask inputs.
 * These schemas are also the source of the OpenAPI document (server/klaviyo/openapi.ts).
 *
 * Klaviyo renders flow-webhook template tags to text before sending, so numbers and booleans
 * often arrive as strings ("120", "true") and a missing profile property as "" (Klaviyo,
 * "Flow webhooks" guide). System webhooks follow Klaviyo's Get Event response shape.
 */
import { z } from "zod";
import { fieldValue } from "@/server/pass-types/fields";
import type { PassUpdateInput } from "@/server/passes/update";
import type { ProfileSyncInput } from "@/server/customers/profile-sync";
import { consentStatus, suppressionReason, type ConsentChange } from "@/server/customers/consent";

const blankToNull = (v: unknown) => (typeof v === "string" && v.trim() === "" ? null : v);

export const pushUpdateBody = z
  .object({
    identifiers: z
      .record(z.string(), z.union([z.string(), z.number(), z.null()]), {
        error: (i) => (i.input === undefined || i.input === null ? "identifiers is required and must be an object" : "identifiers must be an object"),
      })
      .meta({ description: "email, phone, customerId and/or the tenant's custom identifier keys; empty values are ignored", example: { email: "jane.doe@example.com" } }),
    passType: z
      .preprocess(blankToNull, z.string().trim().min(1).max(64).nullable())
      .optional()
      .meta({ description: "convert the pass to this pass type key of the tenant (e.g. premium)" }),
    additionalData: z
      .record(z.string(), fieldValue, { error: "additionalData must be an object of field values" })
      .nullable()
      .optional()
      .meta({ description: "field values to set on the pass, coerced by the pass type's field definitions; null removes a field", example: { points: "1250", tier: "Gold" } }),
    updateMetadata: z
      .preprocess(
        (v) => (typeof v === "string" ? v.trim().toLowerCase() : v), // Klaviyo renders booleans as "True"/"False"
        z.union([z.boolean(), z.enum(["true", "false", ""])], { error: 'updateMetadata must be a boolean or "true"/"false"' }),
      )
      .optional()
      .meta({ description: "recompute colors, images and field layout from the pass type (default false; the strings \"true\"/\"false\" in any case also work)" }),
  });
export type PushUpdateBody = z.infer<typeof pushUpdateBody>;

const upper = (v: unknown) => (typeof v === "string" ? (v.trim() === "" ? null : v.trim().toUpperCase()) : v);

/** A flow body's `consent.<channel>`: Klaviyo's consent value, or SUPPRESSED (a USER_SUPPRESSED suppression, the consent kept). */
const consentValue = z.preprocess(upper, z.enum([...consentStatus.options, "SUPPRESSED"]).nullable()).optional();

const dateTime = z.string().refine((v) => !Number.isNaN(Date.parse(v)), "must be a date-time (ISO 8601)");
/** Klaviyo renders booleans as text in flow bodies ("True"/"false"). */
const flowBoolean = z.preprocess((v) => (typeof v === "string" ? ({ true: true, false: false } as Record<string, boolean>)[v.trim().toLowerCase()] ?? v : v), z.boolean());
const marketingFields = {
  consent: z.preprocess(upper, consentStatus),
  consent_timestamp: dateTime.nullish(),
  method: z.string().max(200).nullish(),
};

/** Klaviyo profile `subscriptions.email.marketing` (Profiles API, EmailMarketing). */
const emailMarketing = z.looseObject({
  ...marketingFields,
  can_receive_email_marketing: flowBoolean.optional(),
  suppression: z.array(z.looseObject({ reason: z.preprocess(upper, suppressionReason), timestamp: dateTime })).max(20).nullish(),
  list_suppressions: z.array(z.looseObject({ list_id: z.string().max(64), reason: z.string().max(64), timestamp: dateTime })).max(1000).nullish(),
});

/** Klaviyo profile `subscriptions.sms.marketing` (Profiles API, SMSMarketing). */
const smsMarketing = z.looseObject({ ...marketingFields, can_receive_sms_marketing: flowBoolean.optional() });

/** Klaviyo profile `subscriptions` (email and sms marketing; other keys are ignored). */
const subscriptions = z.looseObject({
  email: z.looseObject({ marketing: emailMarketing.optional() }).optional(),
  sms: z.looseObject({ marketing: smsMarketing.optional() }).optional(),
});

const optionalText = z.preprocess(blankToNull, z.string().trim().max(320).nullable()).optional();

export const profileSyncBody = z
  .object({
    email: optionalText.meta({ description: "the profile's email" }),
    phone_number: optionalText.meta({ description: "the profile's phone number, any format" }),
    profile_id: optionalText.meta({ description: "Klaviyo profile id" }),
    external_id: optionalText.meta({ description: "Klaviyo profile external_id (the merchant's customerId)" }),
    properties: z.record(z.string(), fieldValue, { error: "properties must be an object of values" }).nullable().optional(),
    consent: z
      .object({ email: consentValue, sms: consentValue }, { error: "consent must be an object" })
      .nullable()
      .optional()
      .meta({ description: "marketing consent per channel: SUBSCRIBED, UNSUBSCRIBED, NEVER_SUBSCRIBED (any case), or SUPPRESSED to add a USER_SUPPRESSED suppression keeping the consent" }),
    subscriptions: subscriptions
      .nullable()
      .optional()
      .meta({ description: "the profile's Klaviyo `subscriptions` (email.marketing, sms.marketing) as the Profiles API returns them: consent, consent_timestamp, method, can_receive_*_marketing, suppression, list_suppressions; a snapshot of the channel's consent (for a channel also in `consent`, this wins)" }),
    origin: optionalText.meta({ description: "set to `merchant` when the change came from the merchant's system (it is then not synced back)" }),
  });
export type ProfileSyncBody = z.infer<typeof profileSyncBody>;

/** The last second a JavaScript Date can hold (8.64e15 ms after the epoch). */
const MAX_UNIX_SECONDS = 8.64e12;

const includedProfile = z.looseObject({
  type: z.string(),
  id: z.string(),
  attributes: z.looseObject({ email: z.string().nullish(), phone_number: z.string().nullish(), external_id: z.string().nullish() }).optional(),
});

export const systemWebhookEvent = z.object({
  external_id: z.string().min(1).max(200),
  topic: z.string().min(1).max(200),
  payload: z.looseObject({
    data: z.looseObject({
      id: z.string().optional(),
      attributes: z
        .looseObject({
          datetime: z.string().refine((v) => !Number.isNaN(Date.parse(v)), "must be a date-time (ISO 8601)").optional(),
          timestamp: z.number().min(0, "must be a Unix time in seconds").max(MAX_UNIX_SECONDS, "must be a Unix time in seconds").optional(),
        })
        .optional(),
      relationships: z.looseObject({ profile: z.looseObject({ data: z.looseObject({ id: z.string() }).nullish() }).optional() }).optional(),
    }),
    included: z.array(z.looseObject({ type: z.string(), id: z.string() })).optional(),
  }),
});

export const systemWebhookEnvelope = z
  .object({
    data: z.array(systemWebhookEvent).min(1, "data must hold at least one event").max(1000, "a batch holds at most 1,000 events"),
    meta: z.object({ klaviyo_account_id: z.string(), klaviyo_webhook_id: z.string().min(1), timestamp: z.string() }),
  });

/** True when a parsed body looks like a system-webhook envelope rather than a flow body. */
export function isSystemWebhookEnvelope(body: unknown): boolean {
  return typeof body === "object" && body !== null && "data" in body && "meta" in body;
}

/** The PASS_UPDATE task input for a valid pushUpdate body (identifier values as trimmed strings, empties dropped). */
export function toPassUpdateInput(body: PushUpdateBody): PassUpdateInput {
  const identifiers: Record<string, string> = {};
  for (const [key, value] of Object.entries(body.identifiers)) {
    const text = value === null ? "" : String(value).trim();
    if (text) identifiers[key] = text;
  }
  return {
    identifiers,
    passType: body.passType ?? null,
    additionalData: body.additionalData ?? null,
    updateMetadata: body.updateMetadata === true || body.updateMetadata === "true",
  };
}

/** A flow body's `consent.<channel>` value as a consent change. */
function consentValueChange(value: "SUPPRESSED" | ConsentChange["status"] | null | undefined): ConsentChange | undefined {
  if (!value) return undefined;
  return value === "SUPPRESSED" ? { suppress: { reason: "USER_SUPPRESSED" } } : { status: value };
}

const isoUtc = (v: string) => new Date(v).toISOString();

/**
 * One channel of Klaviyo's `subscriptions` as a snapshot: the consent, and for email the whole
 * suppression list (none when absent or null) and the list suppressions.
 */
function marketingSnapshot(channel: "email" | "sms", m: z.infer<typeof emailMarketing> | z.infer<typeof smsMarketing> | undefined): ConsentChange | undefined {
  if (!m) return undefined;
  const email = channel === "email" ? (m as z.infer<typeof emailMarketing>) : undefined;
  const canReceive = email ? email.can_receive_email_marketing : (m as z.infer<typeof smsMarketing>).can_receive_sms_marketing;
  return {
    status: m.consent,
    ...(m.consent_timestamp !== undefined ? { consentAt: m.consent_timestamp === null ? null : isoUtc(m.consent_timestamp) } : {}),
    ...(m.method !== undefined ? { method: m.method } : {}),
    ...(canReceive !== undefined ? { canReceiveMarketing: canReceive } : {}),
    ...(email
      ? {
          suppressions: (email.suppression ?? []).map((s) => ({ reason: s.reason, timestamp: isoUtc(s.timestamp) })),
          listSuppressions: (email.list_suppressions ?? []).map((s) => ({ listId: s.list_id, reason: s.reason, timestamp: isoUtc(s.timestamp) })),
        }
      : {}),
  };
}

/** The PROFILE_SYNC task input for a flow body. */
export function flowToProfileSyncInput(body: ProfileSyncBody): ProfileSyncInput {
  const consent: NonNullable<ProfileSyncInput["consent"]> = {};
  const email = marketingSnapshot("email", body.subscriptions?.email?.marketing) ?? consentValueChange(body.consent?.email);
  const sms = marketingSnapshot("sms", body.subscriptions?.sms?.marketing) ?? consentValueChange(body.consent?.sms);
  if (email) consent.email = email;
  if (sms) consent.sms = sms;
  return {
    source: "flow",
    klaviyoProfileId: body.profile_id ?? null,
    email: body.email ?? null,
    phone: body.phone_number ?? null,
    externalId: body.external_id ?? null,
    properties: body.properties ?? null,
    consent: Object.keys(consent).length ? consent : null,
    topic: null,
    eventId: null,
    occurredAt: null,
    origin: body.origin ?? null,
  };
}

/**
 * The consent change a system-webhook topic carries (Klaviyo's consent topics, README "Consent"),
 * null for topics that carry none: `subscribed_to_{email,sms}_marketing` → SUBSCRIBED (a
 * resubscribe lifts the suppressions), `unsubscribed_from_{email,sms}_marketing` → UNSUBSCRIBED,
 * `marked_email_as_spam` → a SPAM_COMPLAINT suppression, `manually_suppressed_from_email_marketing`
 * (any other suppress topic) → a USER_SUPPRESSED suppression,
 * `manually_unsuppressed_from_email_marketing` (any unsuppress topic) → every suppression lifted.
 * A suppression keeps the consent status.
 */
export function consentFromTopic(topic: string): { email?: ConsentChange; sms?: ConsentChange } | null {
  const t = topic.toLowerCase();
  const channel = t.includes("sms") ? "sms" : t.includes("email") ? "email" : undefined;
  if (!channel) return null;
  if (t.includes("unsubscribed_from")) return { [channel]: { status: "UNSUBSCRIBED" } };
  if (t.includes("subscribed_to")) return { [channel]: { status: "SUBSCRIBED", unsuppress: true } };
  if (t.includes("unsuppress")) return { [channel]: { unsuppress: true } };
  if (t.includes("marked_email_as_spam")) return { [channel]: { suppress: { reason: "SPAM_COMPLAINT" } } };
  if (t.includes("suppress")) return { [channel]: { suppress: { reason: "USER_SUPPRESSED" } } };
  return null;
}

/** The PROFILE_SYNC task input for one system-webhook event (profile fields from `included`). */
export function systemEventToProfileSyncInput(event: z.infer<typeof systemWebhookEvent>): ProfileSyncInput {
  const profileId = event.payload.data.relationships?.profile?.data?.id ?? null;
  const included = (event.payload.included ?? [])
    .map((i) => includedProfile.safeParse(i))
    .find((r) => r.success && r.data.type === "profile" && (profileId === null || r.data.id === profileId));
  const attrs = included?.success ? included.data.attributes : undefined;
  const attributes = event.payload.data.attributes;
  const occurredAt = attributes?.datetime ?? (attributes?.timestamp !== undefined ? new Date(attributes.timestamp * 1000).toISOString() : null);
  return {
    source: "system_webhook",
    klaviyoProfileId: profileId,
    email: attrs?.email || null,
    phone: attrs?.phone_number || null,
    externalId: attrs?.external_id || null,
    properties: null,
    consent: consentFromTopic(event.topic),
    topic: event.topic,
    eventId: event.external_id,
    occurredAt,
    origin: null,
  };
}
