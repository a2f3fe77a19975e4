/**
 * The Inngest serve endpoint: Inngest (Cloud, self-hosted, or the embedded executor) syncs the
 * functions here and calls them step by step. A call carrying X-Correlation-Id (the embedded
 * executor sends the task's) is handled under it, so even the SDK's own log lines carry it.
 */
import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/functions";
import { withCorrelation } from "@/server/log";

export const dynamic = "force-dynamic";
export const maxDuration = 300;

const handler = serve({ client: inngest, functions });

type Handler = typeof handler.POST;

function correlated(method: Handler): Handler {
  return (...args: Parameters<Handler>) => {
    const correlationId = args[0].headers.get("x-correlation-id");
    return correlationId ? withCorrelation(correlationId, () => method(...args)) : method(...args);
  };
}

export const GET = handler.GET;
export const PUT = handler.PUT;
export const POST = correlated(handler.POST);
