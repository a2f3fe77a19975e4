/**
 * The sync task queue's metrics, read at scrape time with one statement over the (status,
 * queuedAt) index: how many tasks are QUEUED and RUNNING, and how long the oldest QUEUED one has
 * waited (a stuck executor or Inngest shows there first).
 */
import { poolSql } from "../db/sql";
import { scrapeGauges } from "@/server/platform/metrics";

const STATUSES = ["QUEUED", "RUNNING"] as const;

/** Registers `passflow_task_queue_depth` and `passflow_task_oldest_queued_age_seconds` (once per process). */
export function registerTaskQueueMetrics(): void {
  scrapeGauges(
    {
      passflow_task_queue_depth: { help: "Sync tasks QUEUED or RUNNING now, by status", labelNames: ["status"] },
      passflow_task_oldest_queued_age_seconds: { help: "Seconds since the oldest QUEUED sync task was queued (0 when none is)" },
    },
    async (g) => {
      const rows = await poolSql().query<{ status: string; count: number; oldestSeconds: number }>(
        `SELECT status::text AS status, count(*)::int AS count,
                EXTRACT(EPOCH FROM ((now() AT TIME ZONE 'UTC') - min("queuedAt")))::float8 AS "oldestSeconds"
           FROM "SyncTask" WHERE status IN ('QUEUED', 'RUNNING') GROUP BY status`,
      );
      for (const status of STATUSES) g.passflow_task_queue_depth.set({ status }, rows.find((r) => r.status === status)?.count ?? 0);
      g.passflow_task_oldest_queued_age_seconds.set(Math.max(0, rows.find((r) => r.status === "QUEUED")?.oldestSeconds ?? 0));
    },
  );
}
