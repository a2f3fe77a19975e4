/**
 * Request bodies of the Klaviyo listeners and of the merchant API (zod), and their mapping to
 * SyncTask and issue inputs.
 * These schemas are also the source of the OpenAPI document (server/klaviyo/openapi.ts).
 *
 * Klaviyo renders flow-webhook template tags to text before sending, so numbers and booleans
 * often arrive as strings ("120", "true") and a missing profile property as "" (Klaviyo,
 * "Flow webhooks" guide); a numeric property rendered unquoted arrives as a JSON number, which
 * may exceed what a double holds (the listener parses flow bodies with `exactNumbers`: such a
 * number is an InexactNumber here, kept as text in identifiers and event_id, refused as a field
 * value). System webhooks follow Klaviyo's Get Event response shape.
 */
import { z } from "zod";
import { fieldValue, isNotProvided } from "@/server/pass-types/fields";
import { InexactNumber } from "@/server/platform/http/body";
import { IDEMPOTENCY_KEY_MAX } from "./accept";
import type { PassUpdateInput } from "@/server/passes/update";
import type { IssueOrUpdateInput } from "@/server/passes/passes";
import type { ProfileSyncInput } from "@/server/customers/profile-sync";
import { consentStatus, suppressionReason, type ConsentChange } from "@/server/customers/consent";
import { isEmailAddress } from "@/server/identifiers/identifiers";

const blankToNull = (v: unknown) => (typeof v === "string" && v.trim() === "" ? null : v);

/** A number too precise for a double, as the digits sent (an identifier is text, never rounded). */
const exactText = (v: unknown) => (v instanceof InexactNumber ? v.text : v);

/** A value an identifier may have: text, or a number (kept as the digits sent). */
const identifierValue = z.preprocess(exactText, z.union([z.string(), z.number(), z.null()]));

/** A field value of a flow body: a number a double cannot hold exactly is refused, never rounded. */
const bodyFieldValue = z.preprocess((v, ctx) => {
  if (!(v instanceof InexactNumber)) return v;
  ctx.addIssue({ code: "custom", message: `the number ${v.text} cannot be stored exactly (beyond double precision); send it as a string`, input: v });
  return z.NEVER;
}, fieldValue);

/**
 * The body's own event id (flow bodies): a value that names this flow send and is the same on
 * Klaviyo's retries, used as the Idempotency-Key when the request has none.
 */
const eventId = z
  .preprocess((v) => blankToNull(typeof v === "number" ? String(v) : exactText(v)), z.string().trim().max(IDEMPOTENCY_KEY_MAX).nullable())
  .optional()
  .meta({
    description:
      "this flow send's own id, the same on Klaviyo's retries (a value rendered from the trigger, e.g. the event's id plus the profile's KlaviyoID); " +
      `a repeat on the same endpoint within 24 h answers as the first delivery, a reuse with a different body is 422 (as Idempotency-Key, which wins when both are sent); at most ${IDEMPOTENCY_KEY_MAX} characters`,
  });

export const pushUpdateBody = z
  .object({
    identifiers: z
      .record(z.string(), identifierValue, {
        error: (i) => (i.input === undefined || i.input === null ? "identifiers is required and must be an object" : "identifiers must be an object"),
      })
      .meta({ description: "email, phone, customerId and/or the tenant's custom identifier keys; empty values are ignored", example: { email: "jane.doe@example.com" } }),
    passType: z
      .preprocess(blankToNull, z.string().trim().min(1).max(64).nullable())
      .optional()
      .meta({ description: "convert the pass to this pass type key of the tenant (e.g. premium)" }),
    additionalData: z
      .record(z.string(), bodyFieldValue, { error: "additionalData must be an object of field values" })
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
    event_id: eventId,
  });
export type PushUpdateBody = z.infer<typeof pushUpdateBody>;

/**
 * The passes/issue flow body: pushUpdate's shape (identifiers, passType, additionalData), the
 * pass type required (which one to issue).
 */
export const passIssueBody = pushUpdateBody.omit({ updateMetadata: true }).extend({
  passType: z
    .preprocess(blankToNull, z.string({ error: "passType is required: the key of the pass type to issue (e.g. basic)" }).trim().min(1).max(64))
    .meta({ description: "the key of the pass type to issue (e.g. basic); a customer holds at most one live pass per pass type" }),
  additionalData: pushUpdateBody.shape.additionalData.meta({
    description: "field values of the pass, coerced by the pass type's field definitions: the first values of a new pass, or an update of the one the customer holds",
    example: { points: "100", tier: "Member" },
  }),
});
export type PassIssueBody = z.infer<typeof passIssueBody>;

/** An identifier value of the merchant API: text, or a number (kept as the digits sent); null is absent. */
const apiIdentifierValue = z.preprocess(exactText, z.union([z.string(), z.number(), z.null()], { error: "must be a string or a number" }));

/** The body of `POST /api/{tenantId}/v1/passes` (the merchant API). */
export const issuePassRequest = z.object({
  passType: z.string({ error: "passType is required: the key of the pass type to issue (e.g. basic)" }).trim().min(1).max(64).meta({ description: "the key of the pass type to issue (e.g. basic)", example: "basic" }),
  identifiers: z
    .record(z.string(), apiIdentifierValue, {
      error: (i) => (i.input === undefined || i.input === null ? "identifiers is required and must be an object" : "identifiers must be an object"),
    })
    .meta({
      description: "who the pass is for: email, phone, customerId and/or the tenant's custom identifier keys; each given must agree with the customer they name (a new customer is created when none does); an empty value is refused",
      example: { email: "jane.doe@example.com", customerId: "CUST-000042" },
    }),
  data: z
    .record(z.string(), bodyFieldValue, { error: "data must be an object of field values" })
    .nullable()
    .optional()
    .meta({ description: "field values, coerced by the pass type's field definitions as pushUpdate's additionalData: the first values of a new pass, or an update of the customer's pass", example: { points: "1250", tier: "Gold" } }),
});
export type IssuePassRequest = z.infer<typeof issuePassRequest>;

/** The issue input of a valid merchant API body: identifiers as trimmed text (null ones absent). */
export function toIssueInput(body: IssuePassRequest): IssueOrUpdateInput {
  const identifiers: Record<string, string> = {};
  for (const [key, value] of Object.entries(body.identifiers)) if (value !== null) identifiers[key] = String(value);
  return { identifiers, passType: body.passType, additionalData: body.data ?? null };
}

/**
 * The PASS_ISSUE task input of a valid passes/issue body: identifiers as in `toPassUpdateInput`
 * (those not provided dropped), field values as sent.
 */
export function toPassIssueInput(body: PassIssueBody, notProvidedValues: readonly string[] = []): IssueOrUpdateInput {
  const { identifiers, additionalData } = toPassUpdateInput({ ...body, updateMetadata: false }, notProvidedValues);
  return { identifiers, passType: body.passType, additionalData };
}

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

/** An email address (the check `pass issue` makes), trimmed; blank is absent. */
const optionalEmail = z
  .preprocess((v) => (typeof v === "string" ? (v.trim() === "" ? null : v.trim()) : v), z.string().max(320).refine(isEmailAddress, "must be an email address").nullable())
  .optional();

export const profileSyncBody = z
  .object({
    email: optionalEmail.meta({ description: "the profile's email address; anything else is a 400 naming `email`", format: "email" }),
    phone_number: optionalText.meta({ description: "the profile's phone number, any format" }),
    profile_id: optionalText.meta({ description: "Klaviyo profile id" }),
    external_id: optionalText.meta({ description: "Klaviyo profile external_id (the merchant's customerId)" }),
    properties: z.record(z.string(), bodyFieldValue, { error: "properties must be an object of values" }).nullable().optional(),
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
    event_id: eventId,
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

/**
 * The PASS_UPDATE task input for a valid pushUpdate body: identifier values as trimmed strings,
 * those not provided (blank, or one of the tenant's `notProvidedValues`) dropped. Field values
 * are kept as sent: the pass-update function reads them with the tenant's list.
 */
export function toPassUpdateInput(body: PushUpdateBody, notProvidedValues: readonly string[] = []): PassUpdateInput {
  const identifiers: Record<string, string> = {};
  for (const [key, value] of Object.entries(body.identifiers)) {
    const text = value === null ? "" : String(value).trim();
    if (!isNotProvided(text, notProvidedValues)) identifiers[key] = text;
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

/**
 * The PROFILE_SYNC task input for a flow body; an identifier (email, phone_number, profile_id,
 * external_id) that is one of the tenant's `notProvidedValues` is absent. Properties are kept as
 * sent: the profile-sync function reads them with the tenant's list.
 */
export function flowToProfileSyncInput(body: ProfileSyncBody, notProvidedValues: readonly string[] = []): ProfileSyncInput {
  const provided = (v: string | null | undefined) => (v == null || isNotProvided(v, notProvidedValues) ? null : v);
  const consent: NonNullable<ProfileSyncInput["consent"]> = {};
  const email = marketingSnapshot("email", body.subscriptions?.email?.marketing) ?? consentValueChange(body.consent?.email);
  const sms = marketingSnapshot("sms", body.subscriptions?.sms?.marketing) ?? consentValueChange(body.consent?.sms);
  if (email) consent.email = email;
  if (sms) consent.sms = sms;
  return {
    source: "flow",
    klaviyoProfileId: provided(body.profile_id),
    email: provided(body.email),
    phone: provided(body.phone_number),
    externalId: provided(body.external_id),
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
