/**
 * Marketing consent per channel (email, sms) as Klaviyo models it on a profile's `subscriptions`
 * (Klaviyo Profiles API, `subscriptions.email.marketing` / `subscriptions.sms.marketing`):
 *
 * - `status`: Klaviyo `consent` (SUBSCRIBED, UNSUBSCRIBED, NEVER_SUBSCRIBED); null until Klaviyo
 *   told us one.
 * - `suppressions`: Klaviyo `suppression`, the global suppressions `{ reason, timestamp }`
 *   (HARD_BOUNCE, INVALID_EMAIL, SPAM_COMPLAINT, UNSUBSCRIBE, USER_SUPPRESSED). Apart from the
 *   consent: a profile can be SUBSCRIBED and suppressed (a hard bounce) at once.
 * - `listSuppressions`: Klaviyo `list_suppressions` `{ listId, reason, timestamp }` (email only).
 * - `canReceiveMarketing`: Klaviyo `can_receive_email_marketing` / `can_receive_sms_marketing`:
 *   as Klaviyo sent it, else derived (email: not UNSUBSCRIBED and no suppression, Klaviyo's
 *   implicit consent; sms: SUBSCRIBED).
 * - `consentAt` (`consent_timestamp`), `method` (`method`), and `updatedAt`: when Klaviyo recorded
 *   the latest change applied (the event's time, else when Passflow applied it), which orders
 *   events: an older one is not applied.
 *
 * A change (`ConsentChange`) is either a snapshot of the profile's `subscriptions` (status,
 * suppressions and canReceiveMarketing as Klaviyo holds them) or an event: a new status, a
 * suppression to add (`suppress`, the status kept), or `unsuppress` (every suppression lifted).
 * A resubscribe (the status becoming SUBSCRIBED, or Klaviyo's subscribed_to_* event) lifts the
 * suppressions, as Klaviyo does ("Understanding suppressed email profiles", Klaviyo Help Center).
 */
import { z } from "zod";

export const CONSENT_CHANNELS = ["email", "sms"] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

/** Klaviyo `consent` values. */
export const consentStatus = z.enum(["SUBSCRIBED", "UNSUBSCRIBED", "NEVER_SUBSCRIBED"]);
export type ConsentStatus = z.infer<typeof consentStatus>;

/** Klaviyo's EmailMarketingSuppression `reason` values. */
export const suppressionReason = z.enum(["HARD_BOUNCE", "INVALID_EMAIL", "SPAM_COMPLAINT", "UNSUBSCRIBE", "USER_SUPPRESSED"]);
export type SuppressionReason = z.infer<typeof suppressionReason>;

const isoTime = z.string().refine((v) => !Number.isNaN(Date.parse(v)), "must be a date-time (ISO 8601)");

export const suppression = z.object({ reason: suppressionReason, timestamp: isoTime });
export type Suppression = z.infer<typeof suppression>;

export const listSuppression = z.object({ listId: z.string(), reason: z.string(), timestamp: isoTime });
export type ListSuppression = z.infer<typeof listSuppression>;

/** One channel's change, in a PROFILE_SYNC task input (module comment). */
export const consentChange = z.object({
  status: consentStatus.optional(),
  /** A snapshot's whole list: replaces the stored suppressions. */
  suppressions: z.array(suppression).optional(),
  listSuppressions: z.array(listSuppression).optional(),
  canReceiveMarketing: z.boolean().optional(),
  consentAt: isoTime.nullable().optional(),
  method: z.string().nullable().optional(),
  /** An event: adds this suppression (timestamp: the event's time when absent); the status is kept. */
  suppress: z.object({ reason: suppressionReason, timestamp: isoTime.optional() }).optional(),
  /** An event: lifts every suppression. */
  unsuppress: z.boolean().optional(),
});
export type ConsentChange = z.infer<typeof consentChange>;

/**
 * A channel's change in a task input; the bare strings of tasks stored before this model
 * ("SUBSCRIBED", …, and "SUPPRESSED": a USER_SUPPRESSED suppression) read as changes.
 */
export const channelConsentChange = z.preprocess(
  (v) => (v === "SUPPRESSED" ? { suppress: { reason: "USER_SUPPRESSED" } } : typeof v === "string" ? { status: v } : v),
  consentChange,
);

/** A channel's stored consent (module comment). */
export interface ChannelConsent {
  status: ConsentStatus | null;
  suppressions: Suppression[];
  listSuppressions: ListSuppression[];
  canReceiveMarketing: boolean;
  consentAt: string | null;
  method: string | null;
  updatedAt: string | null;
}

export type CustomerConsent = Partial<Record<ConsentChannel, ChannelConsent>>;

function derivedCanReceive(channel: ConsentChannel, status: ConsentStatus | null, suppressions: Suppression[]): boolean {
  return channel === "email" ? status !== "UNSUBSCRIBED" && suppressions.length === 0 : status === "SUBSCRIBED";
}

/**
 * Customer.consent read as the model: entries written before it (`{ status, updatedAt }`, and
 * status SUPPRESSED, which then replaced the consent) read with a USER_SUPPRESSED suppression at
 * their time and an unknown status.
 */
export function readConsent(stored: unknown): CustomerConsent {
  const out: CustomerConsent = {};
  if (!stored || typeof stored !== "object") return out;
  for (const channel of CONSENT_CHANNELS) {
    const raw = (stored as Record<string, unknown>)[channel];
    if (!raw || typeof raw !== "object") continue;
    const r = raw as Record<string, unknown>;
    const updatedAt = typeof r.updatedAt === "string" ? r.updatedAt : null;
    const legacySuppressed = r.status === "SUPPRESSED";
    const status = consentStatus.safeParse(r.status).data ?? null;
    const suppressions = z.array(suppression).safeParse(r.suppressions).data
      ?? (legacySuppressed ? [{ reason: "USER_SUPPRESSED" as const, timestamp: updatedAt ?? new Date(0).toISOString() }] : []);
    out[channel] = {
      status,
      suppressions,
      listSuppressions: z.array(listSuppression).safeParse(r.listSuppressions).data ?? [],
      canReceiveMarketing: typeof r.canReceiveMarketing === "boolean" ? r.canReceiveMarketing : derivedCanReceive(channel, status, suppressions),
      consentAt: typeof r.consentAt === "string" ? r.consentAt : null,
      method: typeof r.method === "string" ? r.method : null,
      updatedAt,
    };
  }
  return out;
}

/**
 * A channel's consent after `change`, recorded by Klaviyo at `at` (ISO 8601); the module comment
 * has the rules. Returns the stored value itself when nothing changes.
 */
export function applyConsentChange(channel: ConsentChannel, stored: ChannelConsent | undefined, change: ConsentChange, at: string): ChannelConsent | undefined {
  const before: ChannelConsent = stored ?? { status: null, suppressions: [], listSuppressions: [], canReceiveMarketing: derivedCanReceive(channel, null, []), consentAt: null, method: null, updatedAt: null };
  const status = change.status ?? before.status;
  const resubscribed = change.status === "SUBSCRIBED" && before.status !== "SUBSCRIBED";
  let suppressions = change.suppressions ?? (change.unsuppress || resubscribed ? [] : before.suppressions);
  if (change.suppress && !suppressions.some((s) => s.reason === change.suppress!.reason)) {
    suppressions = [...suppressions, { reason: change.suppress.reason, timestamp: change.suppress.timestamp ?? at }];
  }
  const statusChanged = status !== before.status;
  const next: ChannelConsent = {
    status,
    suppressions,
    listSuppressions: change.listSuppressions ?? before.listSuppressions,
    canReceiveMarketing: change.canReceiveMarketing ?? derivedCanReceive(channel, status, suppressions),
    consentAt: change.consentAt !== undefined ? change.consentAt : statusChanged ? at : before.consentAt,
    method: change.method !== undefined ? change.method : before.method,
    updatedAt: at,
  };
  const same = (a: ChannelConsent, b: ChannelConsent) => JSON.stringify({ ...a, updatedAt: null }) === JSON.stringify({ ...b, updatedAt: null });
  return stored && same(stored, next) ? stored : next;
}

/** The reasons of a suppression list, for a change record (`consent.<channel>.suppressions`). */
export function suppressionReasons(list: Suppression[]): SuppressionReason[] {
  return list.map((s) => s.reason);
}
