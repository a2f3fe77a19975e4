/**
 * Adapts the framework-free Klaviyo listeners (server/klaviyo/listener.ts) to Next.js route
 * handlers: resolves the route params and hands the accepted tasks to the dispatcher, which sends
 * their Inngest events a few milliseconds later, batched with other webhooks' (inngest/dispatch.ts),
 * so the answer never waits for them. Not through Next.js's `after()`: on this long-running server
 * it adds nothing the batch timer does not, at a CPU cost per webhook bench:ingest shows.
 * Answers are counted per endpoint and status (`passflow_webhooks_total`).
 */
import { handleKlaviyoListener, type ListenerEndpoint } from "@/server/klaviyo/listener";
import { dispatchTasks } from "@/inngest/dispatch";
import { methodNotAllowed } from "@/server/platform/http/problem";
import { route } from "@/server/platform/http/route";
import { webhookMetric } from "@/server/platform/metrics";

type Context = { params: Promise<{ tenantId: string }> };

/** The POST handler of a listener endpoint. */
export function listenerPost(endpoint: ListenerEndpoint) {
  return route(
    async (request: Request, { params }: Context): Promise<Response> => {
      const { tenantId } = await params;
      const result = await handleKlaviyoListener(endpoint, request, tenantId);
      if (result.dispatch.length) void dispatchTasks(result.dispatch); // never rejects; failures stay QUEUED for the redispatcher
      return result.response;
    },
    { metric: webhookMetric(endpoint) },
  );
}

/** 405 problem+json for every other method. */
export const onlyPost = route(() => methodNotAllowed("POST"));
