/**
 * Adapts the framework-free Klaviyo listeners (server/klaviyo/listener.ts) to Next.js route
 * handlers: resolves the route params and sends the accepted tasks' Inngest events with
 * `after()`, once the response has left. Answers are counted per endpoint and status
 * (`passflow_webhooks_total`).
 */
import { after } from "next/server";
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
      if (result.dispatch.length) after(() => dispatchTasks(result.dispatch));
      return result.response;
    },
    { metric: webhookMetric(endpoint) },
  );
}

/** 405 problem+json for every other method. */
export const onlyPost = route(() => methodNotAllowed("POST"));
