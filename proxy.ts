/**
 * The security headers of every response, pages and API alike, set in this one place (Next.js
 * Proxy, run before routing): a Content-Security-Policy with `frame-ancestors 'none'`,
 * X-Frame-Options DENY, X-Content-Type-Options nosniff, Referrer-Policy same-origin, and
 * Strict-Transport-Security when PUBLIC_URL is https:// (read at run time: a proxy, unlike
 * next.config.js `headers()`, is not frozen into the build).
 *
 * Scripts: a per-request nonce, not 'unsafe-inline', because the console renders customer data
 * (emails, names, webhook bodies) and a nonce keeps an injected inline script from running;
 * Next.js puts the nonce on its own inline scripts (the RSC payload) when it reads it from this
 * request's CSP header, which needs every page rendered per request (the console already is;
 * the root layout makes the rest so), and 'strict-dynamic' lets those nonced scripts load the
 * chunks. Styles keep 'unsafe-inline': React `style` attributes (charts, the pass preview) cannot
 * carry a nonce, and CSS cannot run script. `next dev` adds 'unsafe-eval' (React's dev tooling).
 */
import { NextResponse, type NextRequest } from "next/server";

const development = process.env.NODE_ENV === "development";

function contentSecurityPolicy(nonce: string): string {
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
function staticHeaders(): Record<string, string> {
  const headers: Record<string, string> = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
  };
  if (process.env.PUBLIC_URL?.startsWith("https://")) headers["strict-transport-security"] = "max-age=31536000";
  return headers;
}

let fixed: Record<string, string> | undefined;

export function proxy(request: NextRequest) {
  fixed ??= staticHeaders();
  const nonce = btoa(crypto.randomUUID());
  const csp = contentSecurityPolicy(nonce);
  // Pages read the nonce from the request's CSP header; API handlers get the request untouched
  // (the listeners store the headers they received).
  const page = !request.nextUrl.pathname.startsWith("/api/");
  let response: NextResponse;
  if (page) {
    const headers = new Headers(request.headers);
    headers.set("content-security-policy", csp);
    response = NextResponse.next({ request: { headers } });
  } else {
    response = NextResponse.next();
  }
  response.headers.set("content-security-policy", csp);
  for (const [name, value] of Object.entries(fixed)) response.headers.set(name, value);
  return response;
}
