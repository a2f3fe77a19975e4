/**
 * The security headers of every response (proxy.ts sets them; every API route handler sets them
 * too, server/platform/http/route.ts, for the paths the proxy skips): a Content-Security-Policy with a per-request script
 * nonce and `frame-ancestors 'none'`, X-Frame-Options DENY, X-Content-Type-Options nosniff,
 * Referrer-Policy same-origin, and Strict-Transport-Security when PUBLIC_URL is https:// (read
 * at run time). See proxy.ts for why scripts take a nonce and styles keep 'unsafe-inline'.
 */

const development = process.env.NODE_ENV === "development";

/** The Content-Security-Policy of a response whose inline scripts carry `nonce`. */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** The headers besides the CSP; HSTS only when Passflow is reached over HTTPS. */
export function staticSecurityHeaders(): Record<string, string> {
  const headers: Record<string, string> = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
  };
  if (process.env.PUBLIC_URL?.startsWith("https://")) headers["strict-transport-security"] = "max-age=31536000";
  return headers;
}

/** Every security header of a response that renders no script (an API answer). */
export function apiSecurityHeaders(): Record<string, string> {
  return { "content-security-policy": contentSecurityPolicy(btoa(crypto.randomUUID())), ...staticSecurityHeaders() };
}
