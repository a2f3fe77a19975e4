/**
 * Adapts the framework-free Klaviyo listeners (server/klaviyo/listener.ts) to Next.js route
 * handlers: resolves the route params and sends the accepted tasks' Inngest events with
 * `after()`, once the response has left.
 */
import { after } from "next/server";
import { handleKlaviyoListener, type ListenerEndpoint } from "@/server/klaviyo/listener";
import { dispatchTasks } from "@/inngest/dispatch";
import { methodNotAllowed } from "@/server/platform/http/problem";
import { route } from "@/server/platform/http/route";

type Context = { params: Promise<{ tenantId: string }> };

export function listenerPost(endpoint: ListenerEndpoint) {
  return route(async (request: Request, { params }: Context): Promise<Response> => {
    const { tenantId } = await params;
    const result = await handleKlaviyoListener(endpoint, request, tenantId);
    if (result.dispatch.length) after(() => dispatchTasks(result.dispatch));
    return result.response;
  });
}

/** 405 problem+json for every other method. */
export const onlyPost = route(() => methodNotAllowed("POST"));
