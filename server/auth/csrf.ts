/**
 * Cross-site request forgery guard for the console's state-changing requests (tRPC mutations):
 * a browser names the page that sent a request in `Origin` (and `Sec-Fetch-Site`); a request from
 * another site is refused. Requests without either header come from non-browser clients, which
 * cannot ride a staff member's cookies. next-auth protects its own sign-in/out with its CSRF token.
 */

/** True when `req` was sent by a page of this site, or by a client that is not a browser. */
export function isSameSiteRequest(req: Request): boolean {
  const fetchSite = req.headers.get("sec-fetch-site");
  if (fetchSite && fetchSite !== "same-origin" && fetchSite !== "none") return false;
  const origin = req.headers.get("origin");
  if (!origin) return true;
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
