/**
 * GET /api/metrics: Prometheus metrics in the text format (server/platform/metrics.ts), only for
 * `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise; 404 without METRICS_TOKEN).
 */
import { route } from "@/server/platform/http/route";
import { authorizeScrape, metricsResponse } from "@/server/platform/metrics";
import { registerPoolMetrics } from "@/server/db/metrics";
import { registerDataLifecycleMetrics, registerTaskQueueMetrics } from "@/server/tasks/metrics";
import { registerWalletMetrics } from "@/server/wallet/metrics";

export const dynamic = "force-dynamic";

export const GET = route((request: Request) => {
  authorizeScrape(request.headers);
  registerPoolMetrics();
  registerTaskQueueMetrics();
  registerDataLifecycleMetrics();
  registerWalletMetrics();
  return metricsResponse();
});
