/**
 * The Inngest serve endpoint: Inngest (Cloud, self-hosted, or the embedded executor) syncs the
 * functions here and calls them step by step. A call carrying X-Correlation-Id (the embedded
 * executor sends the task's) is handled under it, so even the SDK's own log lines carry it.
 * The POST handler is also registered for the embedded executor's in-process calls
 * (inngest/executor/in-process.ts). pass-notify pushes through the APNs transport made here.
 */
import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { createFunctions } from "@/inngest/functions";
import { createApnsTransport } from "@/server/wallet/apns";
import { createPushSender } from "@/server/wallet/push";
import { withCorrelation } from "@/server/platform/log";
import { registerServeHandler } from "@/inngest/executor/in-process";
import { route } from "@/server/platform/http/route";

export const dynamic = "force-dynamic";
export const maxDuration = 300;

const handler = serve({ client: inngest, functions: createFunctions({ pushSender: createPushSender(createApnsTransport()) }) });

type Handler = typeof handler.POST;

function correlated(method: Handler) {
  return route((...args: Parameters<Handler>) => {
    const correlationId = args[0].headers.get("x-correlation-id");
    return correlationId ? withCorrelation(correlationId, () => method(...args)) : method(...args);
  });
}

export const GET = route(handler.GET);
export const PUT = route(handler.PUT);
export const POST = correlated(handler.POST);

// as Next.js calls it: the request, and a route context (this route has no params)
registerServeHandler((request) => POST(request as Parameters<Handler>[0], { params: Promise.resolve({}) }));
