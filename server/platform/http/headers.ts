/**
 * The one list of secret request headers: their values are replaced by "[redacted]" before a
 * webhook receipt is stored (server/klaviyo) and again whenever one is shown (server/console),
 * whatever an older row holds.
 */

/** Header names whose values are never stored or shown. */
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|klaviyo-signature|webhook-signature)$|secret|token|password/i;

export const REDACTED = "[redacted]";

/** Whether the value of header `name` is a secret. */
export function isSecretHeader(name: string): boolean {
  return SECRET_HEADER.test(name);
}

/** A plain copy of `headers` (Headers or a stored object) with secret values redacted. */
export function redactHeaders(headers: Headers | unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers instanceof Headers) {
    headers.forEach((value, name) => (out[name] = isSecretHeader(name) ? REDACTED : value));
    return out;
  }
  if (!headers || typeof headers !== "object") return out;
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    out[name] = isSecretHeader(name) ? REDACTED : String(value);
  }
  return out;
}
