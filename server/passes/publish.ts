/**
 * Publications: a pass type revision reaching every holder (issue 14). `publishPassTypeRevision`
 * (./revisions.ts) copies the revision to the PassType and creates the PassTypePublish record in
 * one transaction; the pass-type-publish function then walks the live passes of the type in id
 * order (keyset: `id > cursor`, `batchSize` at a time) and, per batch:
 *
 * 1. `bumpPublishBatch`: one transaction that locks the publication row, gives every pass of the
 *    batch the next version tag, its metadata recomputed from the published definition, the
 *    publication's notice (if any) and a PassChange `passTypeRevision` { before, after } in one
 *    statement under the passes' row locks, and advances `cursor`, `done` and `muted`. A webhook
 *    changing one of those passes at the same time waits for the lock (or the bump waits for it)
 *    and the later writer starts from the earlier one's committed row: both changes stay.
 * 2. the push of the range (`pushedCursor`, `cursor`] (server/wallet/publish.ts), then
 *    `recordPublishPushes` advances `pushedCursor` and the push counts once.
 *
 * A crash anywhere resumes without double work: a batch is bumped at most once (the cursor moves
 * in its transaction), and a bumped range not yet recorded as pushed is pushed again, to the
 * devices not yet settled for the pass's version only (PushDelivery is unique per pass, version
 * and device). Ids compare in the column's collation everywhere (max, >, ORDER BY). Nothing
 * holds more than one batch in memory. A later publication of the same type supersedes a running
 * one (its walk stops at the next batch; the new one walks every pass).
 *
 * The lock-screen message (`notify`) is the pass's `notice`, a back field with changeMessage
 * "%@" (server/wallet/pass-json.ts): a change that alerts, so it goes through the tenant's
 * notification budget like every alerting change (`passflow_alert_muted_reason`).
 */
import type { PassType, PassTypePublish, PublishStatus } from "@prisma/client";
import { db } from "../db/client";
import { pgTransaction, type Sql } from "../db/sql";
import { inngest } from "@/inngest/client";
import { passTypePublishRequestedEvent } from "@/inngest/events";
import { computeMetadata } from "@/server/pass-types/pass-types";

/** Passes per batch by default: one transaction and one push round each. */
export const DEFAULT_PUBLISH_BATCH = 2000;

/** A publication's progress as the console and `passtype publish --json` show it. */
export interface PublishProgress {
  id: string;
  key: string;
  revision: number;
  previousRevision: number;
  status: PublishStatus;
  /** Live passes when it started. */
  total: number;
  /** Passes given their new version. */
  done: number;
  /** Pushes APNs accepted / rejected or failing after retries. */
  pushesSent: number;
  pushesFailed: number;
  /** Versions whose lock-screen message the notification budget muted. */
  muted: number;
  /** done / total, 0-100 (100 when finished). */
  percent: number;
  /** Passes per second so far (null before the first batch). */
  passesPerSecond: number | null;
  /** Seconds to finish at the rate so far (null when unknown; 0 once finished). */
  etaSeconds: number | null;
  elapsedSeconds: number;
  actor: string;
  message: string | null;
  notify: string | null;
  correlationId: string;
  lastError: string | null;
  startedAt: string;
  finishedAt: string | null;
}

/** The progress, rate and estimate to finish of a publication row. */
export function publishProgress(row: PassTypePublish & { passType: Pick<PassType, "key"> }, now = new Date()): PublishProgress {
  const end = row.finishedAt ?? now;
  const elapsed = Math.max(0, (end.getTime() - row.startedAt.getTime()) / 1000);
  const finished = row.status !== "RUNNING";
  const rate = row.done > 0 && elapsed > 0 ? row.done / elapsed : null;
  const remaining = Math.max(0, row.total - row.done);
  return {
    id: row.id,
    key: row.passType.key,
    revision: row.revision,
    previousRevision: row.previousRevision,
    status: row.status,
    total: row.total,
    done: row.done,
    pushesSent: row.pushesSent,
    pushesFailed: row.pushesFailed,
    muted: row.muted,
    percent: finished && row.status === "SUCCEEDED" ? 100 : row.total ? Math.min(100, Math.floor((row.done / row.total) * 100)) : 0,
    passesPerSecond: rate === null ? null : Math.round(rate),
    etaSeconds: finished ? 0 : rate === null ? null : Math.ceil(remaining / rate),
    elapsedSeconds: Math.round(elapsed * 10) / 10,
    actor: row.actor,
    message: row.message,
    notify: row.notify,
    correlationId: row.correlationId,
    lastError: row.lastError,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

/** A publication's progress by id, or undefined. */
export async function getPublish(publishId: string): Promise<PublishProgress | undefined> {
  const row = await db().passTypePublish.findUnique({ where: { id: publishId }, include: { passType: { select: { key: true } } } });
  return row ? publishProgress(row) : undefined;
}

/** The latest publication of a pass type, or undefined. */
export async function latestPublish(passTypeId: string): Promise<PublishProgress | undefined> {
  const row = await db().passTypePublish.findFirst({ where: { passTypeId }, orderBy: { startedAt: "desc" }, include: { passType: { select: { key: true } } } });
  return row ? publishProgress(row) : undefined;
}

/** The latest publication of each of a tenant's pass types that had one, newest first (the tenant page). */
export async function latestPublishes(tenantId: string): Promise<PublishProgress[]> {
  const rows = await db().passTypePublish.findMany({
    where: { tenantId },
    orderBy: { startedAt: "desc" },
    distinct: ["passTypeId"],
    include: { passType: { select: { key: true } } },
  });
  return rows.map((r) => publishProgress(r));
}

/** What the publication needs to start, inside the transaction that publishes the revision. */
export interface NewPublish {
  tenantId: string;
  passTypeId: string;
  revision: number;
  previousRevision: number;
  actor: string;
  message?: string;
  notify?: string;
  correlationId: string;
  batchSize?: number;
}

/**
 * Creates the publication record (status RUNNING, total = the type's live passes) and marks any
 * running publication of the same type SUPERSEDED. Runs in the caller's transaction, which holds
 * the PassType's lock. Resolves with the new record's id.
 */
export async function createPublish(sql: Sql, p: NewPublish): Promise<{ id: string; total: number }> {
  await sql.query(`UPDATE "PassTypePublish" SET status = 'SUPERSEDED', "finishedAt" = (now() AT TIME ZONE 'UTC'), "updatedAt" = (now() AT TIME ZONE 'UTC') WHERE "passTypeId" = $1::text AND status = 'RUNNING'`, [p.passTypeId]);
  const [row] = await sql.query<{ id: string; total: number }>(
    `INSERT INTO "PassTypePublish" (id, "tenantId", "passTypeId", revision, "previousRevision", total, "batchSize", actor, message, notify, "correlationId", "startedAt", "updatedAt")
     SELECT gen_random_uuid()::text, $1::text, $2::text, $3::int, $4::int, count(*)::int, $5::int, $6::text, $7::text, $8::text, $9::text, (now() AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC')
       FROM "Pass" WHERE "passTypeId" = $2::text AND NOT voided AND "erasedAt" IS NULL
     RETURNING id, total`,
    [p.tenantId, p.passTypeId, p.revision, p.previousRevision, p.batchSize ?? DEFAULT_PUBLISH_BATCH, p.actor, p.message ?? null, p.notify ?? null, p.correlationId],
  );
  return row!;
}

/** What the walk does next. */
export type PublishStep =
  /** Push the range (after, upTo] of the type's passes (ids in text order), then `recordPublishPushes`. */
  | { kind: "push"; tenantId: string; passTypeId: string; after: string | null; upTo: string; pushesPerSecond: number; correlationId: string }
  /**
   * finished: every pass has its version and every range was pushed (status SUCCEEDED); stopped:
   * the publication is no longer RUNNING; drained (`ahead` only): no pass left to bump.
   */
  | { kind: "finished" | "stopped" | "drained" };

interface PublishRow {
  tenantId: string;
  passTypeId: string;
  status: PublishStatus;
  cursor: string | null;
  pushedCursor: string | null;
  batchSize: number;
  revision: number;
  previousRevision: number;
  notify: string | null;
  correlationId: string;
  pushesPerSecond: number;
}

/**
 * The publication's next step (module comment): a bumped range not yet pushed, else the next
 * batch bumped (one transaction, which also advances the cursor and counts), else finished.
 * `ahead`: bump the next batch while the range before it is still being pushed (the walk
 * overlaps the two; after a crash both ranges are pushed again as one), never finishing.
 */
export async function bumpPublishBatch(publishId: string, opts: { ahead?: boolean } = {}): Promise<PublishStep> {
  return pgTransaction(async (sql) => {
    const [p] = await sql.query<PublishRow>(
      `SELECT pp."tenantId", pp."passTypeId", pp.status, pp.cursor, pp."pushedCursor", pp."batchSize", pp.revision, pp."previousRevision", pp.notify, pp."correlationId",
              t."publishPushesPerSecond" AS "pushesPerSecond"
         FROM "PassTypePublish" pp JOIN "Tenant" t ON t.id = pp."tenantId" WHERE pp.id = $1 FOR UPDATE OF pp`,
      [publishId],
    );
    if (!p || p.status !== "RUNNING") return { kind: "stopped" as const };
    const push = (after: string | null, upTo: string): PublishStep => ({ kind: "push", tenantId: p.tenantId, passTypeId: p.passTypeId, after, upTo, pushesPerSecond: p.pushesPerSecond, correlationId: p.correlationId });
    if (!opts.ahead && p.cursor !== null && p.pushedCursor !== p.cursor) return push(p.pushedCursor, p.cursor);
    const [passType] = await sql.query<Pick<PassType, "style" | "template" | "images" | "fields">>(`SELECT style::text AS style, template, images, fields FROM "PassType" WHERE id = $1`, [p.passTypeId]);
    const bumped = await bumpPasses(sql, passType!, { passTypeId: p.passTypeId, cursor: p.cursor, limit: p.batchSize, from: p.previousRevision, to: p.revision, notify: p.notify });
    if (bumped.count === 0) {
      if (opts.ahead) return { kind: "drained" as const };
      await sql.query(`UPDATE "PassTypePublish" SET status = 'SUCCEEDED', "finishedAt" = (now() AT TIME ZONE 'UTC'), "updatedAt" = (now() AT TIME ZONE 'UTC') WHERE id = $1`, [publishId]);
      return { kind: "finished" as const };
    }
    await sql.query(`UPDATE "PassTypePublish" SET cursor = $2, done = done + $3, muted = muted + $4, "updatedAt" = (now() AT TIME ZONE 'UTC') WHERE id = $1`, [publishId, bumped.last, bumped.count, bumped.muted]);
    return push(p.cursor, bumped.last!);
  });
}

/**
 * Gives the next `limit` live passes of the type after `cursor` (id order) the next version tag,
 * their metadata recomputed from the published definition (colors, style, images, which keys fill
 * each slot), the notice when the publication has one, and a PassChange `passTypeRevision`: one
 * statement under the passes' row locks. A notice is an alerting change: the tenant's
 * notification budget decides per pass whether it is muted.
 */
async function bumpPasses(
  sql: Sql,
  passType: Pick<PassType, "style" | "template" | "images" | "fields">,
  w: { passTypeId: string; cursor: string | null; limit: number; from: number; to: number; notify: string | null },
): Promise<{ count: number; last: string | null; muted: number }> {
  const metadata: Partial<ReturnType<typeof computeMetadata>> = computeMetadata(passType as Parameters<typeof computeMetadata>[0], {});
  delete metadata.layout; // per pass, below
  const changes = { passTypeRevision: { before: w.from, after: w.to }, ...(w.notify ? { notice: { after: w.notify } } : {}) };
  const [row] = await sql.query<{ count: number; last: string | null; muted: number }>(
    `WITH batch AS (
       SELECT id, CASE WHEN $5::text IS NOT NULL THEN passflow_alert_muted_reason(id) END AS reason
         FROM "Pass"
        WHERE "passTypeId" = $1 AND id > coalesce($2::text, '') AND NOT voided AND "erasedAt" IS NULL
        ORDER BY id LIMIT $3
          FOR UPDATE),
     updated AS (
       UPDATE "Pass" p
          SET "versionTag" = nextval(pg_get_serial_sequence('"Pass"', 'versionTag')), "updatedAt" = (now() AT TIME ZONE 'UTC'),
              notice = coalesce($5::text, p.notice), "alertsMuted" = batch.reason IS NOT NULL,
              metadata = $4::jsonb || jsonb_build_object('layout', COALESCE((
                SELECT jsonb_object_agg(s.slot, s.keys) FROM (
                  SELECT f->>'slot' AS slot, jsonb_agg(f->>'key' ORDER BY e.n) AS keys
                    FROM jsonb_array_elements($6::jsonb) WITH ORDINALITY AS e(f, n)
                   WHERE p.data ? (f->>'key') AND jsonb_typeof(p.data->(f->>'key')) <> 'null'
                   GROUP BY f->>'slot') s), '{}'::jsonb))
         FROM batch
        WHERE p.id = batch.id
    RETURNING p.id, p."versionTag", batch.reason),
     changed AS (
       INSERT INTO "PassChange" (id, "passId", "taskId", "versionTag", changes, alerting, muted, "mutedReason", "createdAt")
       SELECT gen_random_uuid()::text, updated.id, NULL, updated."versionTag", $7::jsonb, $5::text IS NOT NULL, updated.reason IS NOT NULL, updated.reason, (now() AT TIME ZONE 'UTC')
         FROM updated)
     SELECT count(*)::int AS count, max(id) AS last, count(reason)::int AS muted FROM updated`,
    [w.passTypeId, w.cursor, w.limit, JSON.stringify(metadata), w.notify, JSON.stringify(passType.fields ?? []), JSON.stringify(changes)],
  );
  return row!;
}

/**
 * Records that the range up to `upTo` was pushed, adding its counts once: only while the
 * publication's pushedCursor is still `after` (a repeated call adds nothing).
 */
export async function recordPublishPushes(publishId: string, after: string | null, upTo: string, counts: { accepted: number; failed: number }): Promise<void> {
  await db().$executeRaw`
    UPDATE "PassTypePublish" SET "pushedCursor" = ${upTo}, "pushesSent" = "pushesSent" + ${counts.accepted}, "pushesFailed" = "pushesFailed" + ${counts.failed},
           "updatedAt" = (now() AT TIME ZONE 'UTC')
     WHERE id = ${publishId} AND "pushedCursor" IS NOT DISTINCT FROM ${after}`;
}

/** Marks a publication FAILED with its error (the function's onFailure); a finished one is left as it is. */
export async function failPublish(publishId: string, error: string): Promise<void> {
  await db().$executeRaw`
    UPDATE "PassTypePublish" SET status = 'FAILED', "lastError" = ${error.slice(0, 2000)}, "finishedAt" = (now() AT TIME ZONE 'UTC'), "updatedAt" = (now() AT TIME ZONE 'UTC')
     WHERE id = ${publishId} AND status = 'RUNNING'`;
}

/**
 * Sends again the event of every publication still RUNNING without a batch done `olderThanMs`
 * after it started (its event was lost: the send after the commit failed or the process died in
 * between). The event id names the publication, so a run that exists is not started twice.
 * Resolves with how many were sent. @throws the send's error (the cron retries next minute)
 */
export async function redispatchPublications({ olderThanMs = 60_000 }: { olderThanMs?: number } = {}): Promise<{ dispatched: number }> {
  const stale = await db().passTypePublish.findMany({
    where: { status: "RUNNING", cursor: null, startedAt: { lte: new Date(Date.now() - olderThanMs) } },
    select: { id: true, tenantId: true, correlationId: true },
    take: 100,
  });
  if (stale.length) await inngest.send(stale.map((p) => passTypePublishRequestedEvent({ publishId: p.id, tenantId: p.tenantId, correlationId: p.correlationId })));
  return { dispatched: stale.length };
}
