/**
 * Klaviyo system-webhook verification (Klaviyo, "Working with system webhooks"):
 * `Klaviyo-Signature` is the lowercase hex HMAC-SHA256, keyed by the webhook secret, of the raw
 * body followed by the `Klaviyo-Timestamp` header value. Passflow also requires
 * `Klaviyo-Webhook-Id` to equal `meta.klaviyo_webhook_id` and the timestamp to be within 5
 * minutes of now. Two secrets may be active at once (rotation).
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** Largest accepted distance between Klaviyo-Timestamp and now. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** Lowercase hex HMAC-SHA256 of `rawBody + timestamp`. */
export function klaviyoSignature(secret: string, rawBody: string, timestamp: string): string {
  return createHmac("sha256", secret).update(rawBody, "utf8").update(timestamp, "utf8").digest("hex");
}

/**
 * Reads Klaviyo-Timestamp: an HTTP-date (`Mon, 30 Nov 2026 08:00:00 GMT`), an ISO 8601 time, or
 * Unix epoch seconds or milliseconds. Returns epoch milliseconds, or undefined when unreadable.
 */
export function parseKlaviyoTimestamp(value: string): number | undefined {
  const v = value.trim();
  if (/^\d{9,11}(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  if (/^\d{12,14}$/.test(v)) return Number(v);
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** Verifies signature and freshness against any of `secrets`, in constant time per secret. */
export function verifyKlaviyoSignature(input: {
  secrets: string[];
  rawBody: string;
  signature: string | null;
  timestamp: string | null;
  now?: number;
}): SignatureCheck {
  if (!input.signature || !input.timestamp) return { ok: false, reason: "Klaviyo-Signature and Klaviyo-Timestamp are required" };
  const at = parseKlaviyoTimestamp(input.timestamp);
  if (at === undefined) return { ok: false, reason: "Klaviyo-Timestamp is not a time" };
  if (Math.abs((input.now ?? Date.now()) - at) > MAX_CLOCK_SKEW_MS) return { ok: false, reason: "Klaviyo-Timestamp is more than 5 minutes from now" };
  const given = Buffer.from(input.signature.trim().toLowerCase(), "utf8");
  let matched = false;
  for (const secret of input.secrets) {
    const expected = Buffer.from(klaviyoSignature(secret, input.rawBody, input.timestamp), "utf8");
    if (expected.length === given.length && timingSafeEqual(expected, given)) matched = true;
  }
  return matched ? { ok: true } : { ok: false, reason: "Klaviyo-Signature does not match" };
}
