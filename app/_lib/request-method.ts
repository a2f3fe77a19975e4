/**
 * The request header the proxy (proxy.ts) sets on every page request to the request's method
 * (overwriting whatever a client sent), so a page can tell a HEAD (a link checker, a mail
 * scanner) from a GET: server components see headers, not the method.
 */
export const REQUEST_METHOD_HEADER = "x-passflow-request-method";
