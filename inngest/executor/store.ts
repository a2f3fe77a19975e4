/**
 * The embedded executor's durable state: one ExecutorRun row per function run, holding the
 * triggering event, the memoized step results and the retry position. Everything the executor
 * keeps in memory can be rebuilt from these rows after a crash.
 *
 * Plain SQL on a small `pg` pool of its own: this is the executor's hot path (a write per step),
 * and it stays out of the app's Prisma pool that the functions themselves use. Times are stored
 * as UTC `timestamp(3)` like Prisma stores them.
 */
import pg from "pg";
import { pgConfigFromUrl } from "@/server/platform/pg-config";
import type { Memo, SerializedError } from "./protocol";

export interface RunState {
  id: string;
  functionId: string;
  event: Record<string, unknown>;
  steps: Record<string, Memo>;
  stack: string[];
  attempt: number;
  runAfter: Date;
}

export interface NewRun {
  id: string;
  functionId: string;
  eventId: string;
  event: Record<string, unknown>;
}

export interface RunStore {
  /**
   * Inserts runs, skipping any whose (function, event id) already exists; returns the new ones.
   * With `notify`, the same statement sends their ids on that LISTEN/NOTIFY channel (comma
   * separated, at most NOTIFY_IDS per notification), delivered when the insert commits.
   */
  insert(runs: NewRun[], notify?: string): Promise<RunState[]>;
  /** The runs among `ids` that are still QUEUED or RUNNING. */
  load(ids: string[]): Promise<RunState[]>;
  /** Persists memoized steps and the retry position (the run is RUNNING from its first step on). */
  save(run: RunState): Promise<void>;
  /** Ends a run (written with the other runs ending meanwhile, in one statement; resolves once written). */
  finish(id: string, outcome: { output: unknown } | { error: SerializedError }): Promise<void>;
  /** Runs a previous process left QUEUED or RUNNING, oldest first. */
  unfinished(): Promise<RunState[]>;
  /** Deletes finished runs older than `before` (event ids stay deduplicated until then). */
  prune(before: Date): Promise<number>;
  close(): Promise<void>;
}

/** A run's end waiting for its batch (createRunStore). */
interface PendingFinish {
  id: string;
  status: "COMPLETED" | "FAILED";
  output: string | null;
  error: string | null;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Run ends per statement at most. */
const FINISH_BATCH = 200;

/** Run ids per notification: 100 UUIDs stay well under PostgreSQL's 8000-byte payload limit. */
export const NOTIFY_IDS = 100;

const RUN_COLUMNS = `id, "functionId", event, steps, COALESCE(stack, '{}') AS stack, attempt, "runAfter" AT TIME ZONE 'UTC' AS "runAfter"`;

/** A store on `databaseUrl` with at most `max` connections. */
export function createRunStore(databaseUrl: string, max = 4): RunStore {
  const pool = new pg.Pool({ ...pgConfigFromUrl(databaseUrl, max), idleTimeoutMillis: 10_000 });

  // Ends of runs are written in batches, one statement per batch: those that come while a batch is
  // being written go in the next (as PostgreSQL's group commit does), so a busy executor spends one
  // round trip on many runs. Each caller still resolves only once its row is written.
  const finishing: PendingFinish[] = [];
  let flushing: Promise<void> | undefined;
  async function flushFinishes(): Promise<void> {
    await new Promise<void>((r) => setImmediate(r)); // the runs ending in this turn of the event loop join
    while (finishing.length > 0) {
      const batch = finishing.splice(0, FINISH_BATCH);
      try {
        await pool.query(
          `UPDATE "ExecutorRun" r
              SET status = u.status::"ExecutorRunStatus", output = u.output, error = u.error, "finishedAt" = (now() AT TIME ZONE 'UTC'), "updatedAt" = (now() AT TIME ZONE 'UTC')
             FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::jsonb[]) AS u(id, status, output, error)
            WHERE r.id = u.id`,
          [batch.map((f) => f.id), batch.map((f) => f.status), batch.map((f) => f.output), batch.map((f) => f.error)],
        );
        for (const f of batch) f.resolve();
      } catch (err) {
        for (const f of batch) f.reject(err);
      }
    }
    flushing = undefined;
  }

  return {
    async insert(runs, notify) {
      if (runs.length === 0) return [];
      const params = [runs.map((r) => r.id), runs.map((r) => r.functionId), runs.map((r) => r.eventId), runs.map((r) => JSON.stringify(r.event))];
      const insert = `INSERT INTO "ExecutorRun" (id, "functionId", "eventId", event, "updatedAt")
         SELECT id, fn, ev, body, (now() AT TIME ZONE 'UTC') FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[]) AS r(id, fn, ev, body)
         ON CONFLICT ("functionId", "eventId") DO NOTHING
         RETURNING id, "runAfter" AT TIME ZONE 'UTC' AS "runAfter"`;
      const { rows } = await pool.query<{ id: string; runAfter: Date }>(
        notify
          ? // the notifications CTE only runs because the final SELECT reads it
            `WITH ins AS (${insert}),
             sent AS (SELECT pg_notify($5, string_agg(id, ',')) FROM (SELECT id, (row_number() OVER () - 1) / ${NOTIFY_IDS} AS chunk FROM ins) c GROUP BY chunk)
             SELECT ins.* FROM ins, (SELECT count(*) FROM sent) n`
          : insert,
        notify ? [...params, notify] : params,
      );
      const byId = new Map(runs.map((r) => [r.id, r]));
      return rows.map((row) => {
        const run = byId.get(row.id)!;
        return { id: run.id, functionId: run.functionId, event: run.event, steps: {}, stack: [], attempt: 0, runAfter: row.runAfter };
      });
    },
    async load(ids) {
      if (ids.length === 0) return [];
      const { rows } = await pool.query<RunState>(`SELECT ${RUN_COLUMNS} FROM "ExecutorRun" WHERE id = ANY($1::text[]) AND status IN ('QUEUED', 'RUNNING') ORDER BY "createdAt", id`, [ids]);
      return rows;
    },
    async save(run) {
      await pool.query(
        `UPDATE "ExecutorRun" SET status = 'RUNNING', steps = $2::jsonb, stack = $3::text[], attempt = $4, "runAfter" = $5::timestamptz AT TIME ZONE 'UTC', "updatedAt" = (now() AT TIME ZONE 'UTC') WHERE id = $1`,
        [run.id, JSON.stringify(run.steps), run.stack, run.attempt, run.runAfter.toISOString()],
      );
    },
    finish(id, outcome) {
      const failed = "error" in outcome;
      return new Promise<void>((resolve, reject) => {
        finishing.push({ id, status: failed ? "FAILED" : "COMPLETED", output: failed ? null : JSON.stringify(outcome.output ?? null), error: failed ? JSON.stringify(outcome.error) : null, resolve, reject });
        if (!flushing) flushing = flushFinishes();
      });
    },
    async unfinished() {
      const { rows } = await pool.query<RunState>(`SELECT ${RUN_COLUMNS} FROM "ExecutorRun" WHERE status IN ('QUEUED', 'RUNNING') ORDER BY "createdAt", id`);
      return rows;
    },
    async prune(before) {
      const res = await pool.query(`DELETE FROM "ExecutorRun" WHERE status IN ('COMPLETED', 'FAILED') AND "finishedAt" < $1::timestamptz AT TIME ZONE 'UTC'`, [before.toISOString()]);
      return res.rowCount ?? 0;
    },
    close: async () => {
      await flushing;
      await pool.end();
    },
  };
}
