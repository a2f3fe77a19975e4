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
 * Page requests also carry their method to the page (app/_lib/request-method.ts). Nothing here
 * asks for a console session: the console layout does, so the Add to Wallet page (/p/…) is public.
 */
import { NextResponse, type NextRequest } from "next/server";
import { REQUEST_METHOD_HEADER } from "@/app/_lib/request-method";
import { contentSecurityPolicy, staticSecurityHeaders } from "@/server/platform/http/security-headers";

/** The 410 page of an expired Add to Wallet link: no script, styled inline (the CSP allows inline styles). */
const EXPIRED_PAGE = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>This link has expired</title></head>
<body style="margin:0;font-family:system-ui,-apple-system,sans-serif;background:#f8fafc;color:#0f172a">
<main style="max-width:28rem;margin:0 auto;padding:4rem 1rem;text-align:center" data-testid="link-expired">
<h1 style="font-size:1.25rem;font-weight:600">This link has expired</h1>
<p style="font-size:.875rem;color:#334155">For your security, links to add a pass to your Wallet only work for a while.</p>
<p style="font-size:.875rem;font-weight:500">Ask the sender for a new link.</p>
</main></body></html>`;


let fixed: Record<string, string> | undefined;

/**
 * An Add to Wallet page link (`/p/{tenant}/{serialNumber}?expires=…`) whose time is over
 * (server/wallet/links.ts: a past `expires` is expired whatever it signs). The proxy answers it
 * itself, 410 Gone with a page asking for a new link: a page cannot set its status, and a rewrite
 * with a status is proxied as external when the server binds an explicit hostname (Next.js writes
 * 127.0.0.1 as localhost in the rewrite URL).
 */
function isExpiredPassPage(request: NextRequest): boolean {
  if (!/^\/p\/[^/]+\/[^/]+\/?$/.test(request.nextUrl.pathname)) return false;
  const expires = request.nextUrl.searchParams.get("expires") ?? "";
  return /^\d{1,12}$/.test(expires) && Number(expires) * 1000 < Date.now();
}

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
    headers.set(REQUEST_METHOD_HEADER, request.method); // the Add to Wallet page records GETs only

    response = isExpiredPassPage(request)
      ? new NextResponse(request.method === "HEAD" ? null : EXPIRED_PAGE, { status: 410, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } })
      : NextResponse.next({ request: { headers } });
  } else {
    response = NextResponse.next();
  }
  response.headers.set("content-security-policy", csp);
  for (const [name, value] of Object.entries(fixed)) response.headers.set(name, value);
  return response;
}

/**
 * Every path but those of machines and the bulk enrolment upload. Running the proxy costs about a
 * millisecond of CPU per request (bench:ingest, GET /api/health with and without it) and Next.js
 * copies the body of a request the proxy sees (into memory, cut at `proxyClientMaxBodySize`,
 * 10 MB): so the Klaviyo webhooks, the PassKit web service, the signed .pkpass downloads, the v1
 * API, Google Wallet's callbacks, the executor's and the operators' endpoints skip it, and an
 * upload streams whole to its route. Their route handlers set the same headers
 * (server/platform/http/route.ts).
 */
export const config = {
  matcher: [
    "/((?!api/[^/]+/webhooks/|api/[^/]+/passkit/|api/[^/]+/passes/|api/[^/]+/v1/|api/[^/]+/google-wallet/|api/inngest$|api/executor/|api/health$|api/ready$|api/metrics$|api/console/tenants/[^/]+/pass-imports$).*)",
  ],
};
