/**
 * Data retention: what Passflow keeps of each webhook, and for how long (per tenant, `Tenant`
 * rawBodyRetentionDays and retentionDays).
 *
 * - After `rawBodyRetentionDays` a receipt loses its raw body and headers (set to null,
 *   `bodyPurgedAt` set); its metadata (endpoint, status, correlation id, times, tasks) stays.
 * - After `retentionDays` the rows go, in an order the foreign keys allow: push deliveries, pass
 *   changes (they reference tasks), pass events (a Klaviyo task whose event is gone sends nothing),
 *   finished sync tasks, then receipts no task references any more.
 *   A task still QUEUED or RUNNING is never deleted, nor a task whose replay has not finished
 *   (the replay is its continuation); a FAILED task that could be replayed is kept like any other
 *   task until retentionDays have passed, whatever happened to its receipt's body.
 *
 * Work is done in batches of at most `RETENTION_BATCH` rows, one statement each
 * (`… WHERE id IN (SELECT id … LIMIT n FOR UPDATE SKIP LOCKED)`), each its own transaction: a
 * batch never holds locks for long, rows the pipeline has locked are skipped until the next run,
 * and a run killed between two batches leaves consistent data that the next run continues from.
 * The same statement adds what it deleted to the run's counts (`RetentionRun`), exact whatever
 * point a run stops at. Rows go only once the activity rollup has counted them (before the
 * tenant's watermark, server/tasks/activity.ts, rolled up first), so the overview keeps its history.
 */
import { Prisma, type RetentionRun } from "@prisma/client";
import { db } from "../db/client";
import { rollUpTenant } from "./activity";
import { logger } from "@/server/platform/log";

/** Rows one statement touches at most. */
export const RETENTION_BATCH = 1000;
const DAY_MS = 86_400_000;

/** What retention removes, in the order it does (the `RetentionRun` count column of each). */
export const RETENTION_KINDS = [
  "receiptBodiesPurged",
  "pushDeliveriesDeleted",
  "passChangesDeleted",
  "passEventsDeleted",
  "googlePatchesDeleted",
  "passImportsDeleted",
  "tasksDeleted",
  "receiptsDeleted",
] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];
export type RetentionCounts = Record<RetentionKind, number>;

interface BatchArgs {
  runId: string;
  tenantId: string;
  /** Rows created before this are past the period of the kind (and counted by the activity rollup). */
  before: Date;
  /** The tenant's activity watermark: a task finished after it is not counted yet. */
  counted: Date;
  limit: number;
}

/** Adds a batch's count to the run (a CTE of the batch's statement, so it commits with the batch). */
function countInRun(kind: RetentionKind, runId: string, from: string) {
  return Prisma.sql`UPDATE "RetentionRun" SET ${Prisma.raw(`"${kind}" = "${kind}"`)} + (SELECT count(*) FROM ${Prisma.raw(from)}), "updatedAt" = now() WHERE id = ${runId}`;
}

/** One batch of each kind: one statement, one transaction. Resolves with the rows it touched. */
const BATCHES: Record<RetentionKind, (a: BatchArgs) => Prisma.Sql> = {
  receiptBodiesPurged: ({ runId, tenantId, before, limit }) => Prisma.sql`
    WITH batch AS (
      SELECT id FROM "WebhookReceipt"
       WHERE "tenantId" = ${tenantId} AND "bodyPurgedAt" IS NULL AND "createdAt" < ${before}
       LIMIT ${limit} FOR UPDATE SKIP LOCKED
    ), done AS (
      UPDATE "WebhookReceipt" r SET headers = NULL, "rawBody" = NULL, "bodyPurgedAt" = now()
        FROM batch WHERE r.id = batch.id RETURNING r.id
    ), run AS (${countInRun("receiptBodiesPurged", runId, "done")})
    SELECT count(*)::int AS n FROM done`,

  pushDeliveriesDeleted: ({ runId, tenantId, before, limit }) => Prisma.sql`
    WITH batch AS (
      SELECT d.id FROM "PushDelivery" d JOIN "Pass" p ON p.id = d."passId"
       WHERE p."tenantId" = ${tenantId} AND d."createdAt" < ${before}
       LIMIT ${limit} FOR UPDATE OF d SKIP LOCKED
    ), gone AS (
      DELETE FROM "PushDelivery" d USING batch WHERE d.id = batch.id RETURNING d.id
    ), run AS (${countInRun("pushDeliveriesDeleted", runId, "gone")})
    SELECT count(*)::int AS n FROM gone`,

  passChangesDeleted: ({ runId, tenantId, before, limit }) => Prisma.sql`
    WITH batch AS (
      SELECT c.id FROM "PassChange" c JOIN "Pass" p ON p.id = c."passId"
       WHERE p."tenantId" = ${tenantId} AND c."createdAt" < ${before}
       LIMIT ${limit} FOR UPDATE OF c SKIP LOCKED
    ), gone AS (
      DELETE FROM "PassChange" c USING batch WHERE c.id = batch.id RETURNING c.id
    ), run AS (${countInRun("passChangesDeleted", runId, "gone")})
    SELECT count(*)::int AS n FROM gone`,

  passEventsDeleted: ({ runId, tenantId, before, limit }) => Prisma.sql`
    WITH batch AS (
      SELECT e.id FROM "PassEvent" e
       WHERE e."tenantId" = ${tenantId} AND e."occurredAt" < ${before}
       LIMIT ${limit} FOR UPDATE OF e SKIP LOCKED
    ), gone AS (
      DELETE FROM "PassEvent" e USING batch WHERE e.id = batch.id RETURNING e.id
    ), run AS (${countInRun("passEventsDeleted", runId, "gone")})
    SELECT count(*)::int AS n FROM gone`,

  googlePatchesDeleted: ({ runId, tenantId, before, limit }) => Prisma.sql`
    WITH batch AS (
      SELECT g.id FROM "GoogleWalletPatch" g JOIN "Pass" p ON p.id = g."passId"
       WHERE p."tenantId" = ${tenantId} AND g."createdAt" < ${before}
       LIMIT ${limit} FOR UPDATE OF g SKIP LOCKED
    ), gone AS (
      DELETE FROM "GoogleWalletPatch" g USING batch WHERE g.id = batch.id RETURNING g.id
    ), run AS (${countInRun("googlePatchesDeleted", runId, "gone")})
    SELECT count(*)::int AS n FROM gone`,

  // finished imports (their refused rows and any stored chunks go with them)
  passImportsDeleted: ({ runId, tenantId, before, limit }) => Prisma.sql`
    WITH batch AS (
      SELECT i.id FROM "PassImport" i
       WHERE i."tenantId" = ${tenantId} AND i."createdAt" < ${before} AND i.status IN ('SUCCEEDED', 'FAILED')
       LIMIT ${limit} FOR UPDATE OF i SKIP LOCKED
    ), gone AS (
      DELETE FROM "PassImport" i USING batch WHERE i.id = batch.id RETURNING i.id
    ), run AS (${countInRun("passImportsDeleted", runId, "gone")})
    SELECT count(*)::int AS n FROM gone`,

  tasksDeleted: ({ runId, tenantId, before, counted, limit }) => Prisma.sql`
    WITH batch AS (
      SELECT t.id FROM "SyncTask" t
       WHERE t."tenantId" = ${tenantId} AND t."createdAt" < ${before} AND t.status IN ('SUCCEEDED', 'FAILED') AND t."finishedAt" < ${counted}
         AND NOT EXISTS (SELECT 1 FROM "SyncTask" r WHERE r."replayOfId" = t.id AND r.status IN ('QUEUED', 'RUNNING'))
       LIMIT ${limit} FOR UPDATE OF t SKIP LOCKED
    ), gone AS (
      DELETE FROM "SyncTask" t USING batch WHERE t.id = batch.id RETURNING t.id
    ), run AS (${countInRun("tasksDeleted", runId, "gone")})
    SELECT count(*)::int AS n FROM gone`,

  receiptsDeleted: ({ runId, tenantId, before, limit }) => Prisma.sql`
    WITH batch AS (
      SELECT r.id FROM "WebhookReceipt" r
       WHERE r."tenantId" = ${tenantId} AND r."createdAt" < ${before}
         AND NOT EXISTS (SELECT 1 FROM "SyncTask" t WHERE t."receiptId" = r.id)
       LIMIT ${limit} FOR UPDATE OF r SKIP LOCKED
    ), gone AS (
      DELETE FROM "WebhookReceipt" r USING batch WHERE r.id = batch.id RETURNING r.id
    ), run AS (${countInRun("receiptsDeleted", runId, "gone")})
    SELECT count(*)::int AS n FROM gone`,
};

/** The run to record into: the unfinished one a killed run left behind, else a new one. */
export async function startRetentionRun(): Promise<string> {
  const unfinished = await db().retentionRun.findFirst({ where: { finishedAt: null }, orderBy: { startedAt: "desc" }, select: { id: true } });
  return unfinished?.id ?? (await db().retentionRun.create({ data: {}, select: { id: true } })).id;
}

/** Marks a run finished and returns it with its counts. */
export async function finishRetentionRun(runId: string): Promise<RetentionRun> {
  const run = await db().retentionRun.update({ where: { id: runId }, data: { finishedAt: new Date() } });
  logger.info({ retentionRun: run.id, ...Object.fromEntries(RETENTION_KINDS.map((k) => [k, run[k]])) }, "retention run finished");
  return run;
}

export interface PurgeOptions {
  runId: string;
  tenantId: string;
  /** Rows per statement (RETENTION_BATCH). */
  batchSize?: number;
  /** Stop after this many batches (all kinds together), `done: false`. */
  maxBatches?: number;
  /** Stop after the batch that ends past this many milliseconds, `done: false`. */
  budgetMs?: number;
  now?: Date;
}

/**
 * Applies one tenant's retention settings, kind by kind, batch by batch (each batch committed on
 * its own). Resolves with what it removed and whether it is done (false when it stopped at
 * `maxBatches` or `budgetMs`: call again to continue).
 */
export async function purgeTenant(opts: PurgeOptions): Promise<{ done: boolean; counts: RetentionCounts }> {
  const now = opts.now ?? new Date();
  const limit = opts.batchSize ?? RETENTION_BATCH;
  const started = Date.now();
  const tenant = await db().tenant.findUnique({ where: { id: opts.tenantId }, select: { rawBodyRetentionDays: true, retentionDays: true } });
  const counts = Object.fromEntries(RETENTION_KINDS.map((k) => [k, 0])) as RetentionCounts;
  if (!tenant) return { done: true, counts };
  // rows go only once counted: before the watermark of a rollup that runs first
  const counted = await rollUpTenant(opts.tenantId, now);
  const bodiesBefore = new Date(now.getTime() - tenant.rawBodyRetentionDays * DAY_MS);
  const rowsBefore = new Date(Math.min(now.getTime() - tenant.retentionDays * DAY_MS, counted.getTime()));
  let batches = 0;
  for (const kind of RETENTION_KINDS) {
    const before = kind === "receiptBodiesPurged" ? bodiesBefore : rowsBefore;
    for (;;) {
      if ((opts.maxBatches !== undefined && batches >= opts.maxBatches) || (opts.budgetMs !== undefined && Date.now() - started > opts.budgetMs)) {
        return { done: false, counts };
      }
      const [{ n }] = await db().$queryRaw<[{ n: number }]>(BATCHES[kind]({ runId: opts.runId, tenantId: opts.tenantId, before, counted, limit }));
      batches++;
      counts[kind] += n;
      if (n < limit) break;
    }
  }
  return { done: true, counts };
}

/**
 * Purges every tenant from the one with id `from` on (ids in order; all when omitted), each to
 * the end, until `budgetMs` has passed. Resolves with the tenant id to continue from, or null
 * when every tenant is done.
 */
export async function purgeTenants(opts: { runId: string; from?: string; budgetMs?: number; batchSize?: number; now?: Date }): Promise<{ from: string | null }> {
  const started = Date.now();
  const tenants = await db().tenant.findMany({ where: opts.from ? { id: { gte: opts.from } } : {}, select: { id: true }, orderBy: { id: "asc" } });
  for (const { id } of tenants) {
    const budgetMs = opts.budgetMs === undefined ? undefined : Math.max(0, opts.budgetMs - (Date.now() - started));
    const { done } = await purgeTenant({ runId: opts.runId, tenantId: id, batchSize: opts.batchSize, now: opts.now, budgetMs });
    if (!done) return { from: id };
  }
  return { from: null };
}

/** The latest retention run (finished or under way), for the console; null before the first. */
export async function lastRetentionRun(): Promise<RetentionRun | null> {
  return db().retentionRun.findFirst({ orderBy: { startedAt: "desc" } });
}
