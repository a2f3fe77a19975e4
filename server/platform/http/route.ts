/**
 * The route wrapper every route handler under app/api uses (web-standard Request/Response, no
 * Next.js): it runs the handler and answers whatever it throws through the error table
 * (./errors.ts) as problem+json, so handlers only adapt a request to server code and its result
 * to a response. Like dub's `handleApiError` or cal.com's `defaultResponderForAppDir`. With a
 * `metric` (server/platform/metrics.ts), every answer's status and time are recorded, errors too.
 * Every answer carries the security headers (./security-headers.ts): the machine-facing paths
 * (webhooks, the PassKit web service, the v1 API…) skip the proxy, which costs about a
 * millisecond of CPU per request and copies the body (proxy.ts), so they get them only here.
 *
 *   export const GET = route(async (request, { params }) => Response.json(await work(await params)));
 *   export const POST = route(handler, { metric: webhookMetric("pushUpdate") });
 */
import type { RequestMetric } from "../metrics";
import { errorResponse } from "./errors";
import { apiSecurityHeaders } from "./security-headers";

/** `response` with the API security headers (a copy when its headers are immutable, as Response.redirect's are). */
function withSecurityHeaders(response: Response): Response {
  let answer = response;
  for (const [name, value] of Object.entries(apiSecurityHeaders())) {
    try {
      answer.headers.set(name, value);
    } catch {
      answer = new Response(answer.body, answer);
      answer.headers.set(name, value);
    }
  }
  return answer;
}

/** Next.js control flow (redirect(), notFound(), dynamic-usage bail-outs) is thrown with a `digest`: not an error to answer. */
function isFrameworkSignal(err: unknown): boolean {
  return typeof (err as { digest?: unknown } | null)?.digest === "string";
}

/** `handler` with every thrown error answered as problem+json (and its answers recorded in `metric`); the handler's signature is kept. */
export function route<Args extends unknown[]>(
  handler: (...args: Args) => Response | Promise<Response>,
  options: { metric?: RequestMetric } = {},
): (...args: Args) => Promise<Response> {
  const { metric } = options;
  return async (...args: Args) => {
    const started = metric ? performance.now() : 0;
    let response: Response;
    try {
      response = await handler(...args);
    } catch (err) {
      if (isFrameworkSignal(err)) throw err;
      const request = args[0] instanceof Request ? args[0] : undefined;
      response = errorResponse(err, { log: request ? { method: request.method, path: new URL(request.url).pathname } : undefined });
    }
    metric?.observe(response.status, (performance.now() - started) / 1000);
    return withSecurityHeaders(response);
  };
}
