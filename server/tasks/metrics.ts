/**
 * The sync task queue's metrics, read at scrape time with one statement over the (status,
 * queuedAt) index: how many tasks are QUEUED and RUNNING, and how long the oldest QUEUED one has
 * waited (a stuck executor or Inngest shows there first). And the data lifecycle's: the latest
 * retention run (when it started and finished, what it removed) and how far the activity rollup
 * lags behind (the oldest tenant watermark).
 */
import { poolSql } from "../db/sql";
import { scrapeGauges } from "@/server/platform/metrics";
import { RETENTION_KINDS } from "./retention";

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

/**
 * Registers `passflow_retention_last_run_started_seconds`, `…_finished_seconds` (Unix time; 0
 * while the latest run is under way or before the first), `passflow_retention_last_run_rows`
 * (by kind) and `passflow_activity_rollup_lag_seconds` (now minus the oldest tenant watermark;
 * about an hour when the rollup keeps up), once per process.
 */
export function registerDataLifecycleMetrics(): void {
  scrapeGauges(
    {
      passflow_retention_last_run_started_seconds: { help: "Unix time the latest data retention run started (0 before the first)" },
      passflow_retention_last_run_finished_seconds: { help: "Unix time the latest data retention run finished (0 while it runs)" },
      passflow_retention_last_run_rows: { help: "Rows the latest data retention run removed (bodies purged, rows deleted), by kind", labelNames: ["kind"] },
      passflow_activity_rollup_lag_seconds: { help: "Seconds since the oldest tenant watermark of the activity rollup (about 3600 when it keeps up)" },
    },
    async (g) => {
      const [run] = await poolSql().query<Record<string, number | null>>(
        `SELECT EXTRACT(EPOCH FROM "startedAt")::float8 AS started, EXTRACT(EPOCH FROM "finishedAt")::float8 AS finished,
                ${RETENTION_KINDS.map((k) => `"${k}"`).join(", ")}
           FROM "RetentionRun" ORDER BY "startedAt" DESC LIMIT 1`,
      );
      g.passflow_retention_last_run_started_seconds.set(run?.started ?? 0);
      g.passflow_retention_last_run_finished_seconds.set(run?.finished ?? 0);
      for (const kind of RETENTION_KINDS) g.passflow_retention_last_run_rows.set({ kind }, Number(run?.[kind] ?? 0));
      const [lag] = await poolSql().query<{ seconds: number | null }>(
        `SELECT EXTRACT(EPOCH FROM ((now() AT TIME ZONE 'UTC') - min("rolledUntil")))::float8 AS seconds FROM "ActivityRollup"`,
      );
      g.passflow_activity_rollup_lag_seconds.set(Math.max(0, lag?.seconds ?? 0));
    },
  );
}
