/** Reading a remote side's `Retry-After` answer header (RFC 9110 §10.2.3), for outbound calls that retry. */

/** Seconds a `Retry-After` value asks to wait (delta-seconds or an HTTP date), at least 1; undefined when absent or unreadable. */
export function retryAfterSeconds(value: string | null): number | undefined {
  if (!value) return undefined;
  const n = Number(value);
  if (Number.isFinite(n)) return Math.max(1, Math.ceil(n));
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(1, Math.ceil((at - Date.now()) / 1000));
}
