/**
 * The route wrapper every route handler under app/api uses (web-standard Request/Response, no
 * Next.js): it runs the handler and answers whatever it throws through the error table
 * (./errors.ts) as problem+json, so handlers only adapt a request to server code and its result
 * to a response. Like dub's `handleApiError` or cal.com's `defaultResponderForAppDir`.
 *
 *   export const GET = route(async (request, { params }) => Response.json(await work(await params)));
 */
import { errorResponse } from "./errors";

/** Next.js control flow (redirect(), notFound(), dynamic-usage bail-outs) is thrown with a `digest`: not an error to answer. */
function isFrameworkSignal(err: unknown): boolean {
  return typeof (err as { digest?: unknown } | null)?.digest === "string";
}

/** `handler` with every thrown error answered as problem+json; the handler's signature is kept. */
export function route<Args extends unknown[]>(handler: (...args: Args) => Response | Promise<Response>): (...args: Args) => Promise<Response> {
  return async (...args: Args) => {
    try {
      return await handler(...args);
    } catch (err) {
      if (isFrameworkSignal(err)) throw err;
      const request = args[0] instanceof Request ? args[0] : undefined;
      return errorResponse(err, { log: request ? { method: request.method, path: new URL(request.url).pathname } : undefined });
    }
  };
}
