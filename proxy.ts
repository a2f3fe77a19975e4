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
import { contentSecurityPolicy, staticSecurityHeaders } from "@/server/platform/http/security-headers";

let fixed: Record<string, string> | undefined;

export function proxy(request: NextRequest) {
  fixed ??= staticSecurityHeaders();
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

/**
 * Every path but the bulk enrolment upload: Next.js copies the body of a request the proxy sees
 * (into memory, cut at `proxyClientMaxBodySize`, 10 MB), and an upload must stream whole to its
 * route, which sets the same headers itself (server/platform/http/security-headers.ts).
 */
export const config = {
  matcher: ["/((?!api/console/tenants/[^/]+/pass-imports$).*)"],
};
