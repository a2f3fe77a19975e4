/**
 * The activity rollup: per tenant, the overview's counts of closed UTC hours (webhooks received,
 * tasks finished, push deliveries recorded) written once into `ActivityHour`, so the console reads
 * at most a few hundred rows per tenant instead of counting millions, and retention can delete
 * rows without the charts losing their history.
 *
 * Each tenant has a watermark (`ActivityRollup.rolledUntil`): every row before it is counted in
 * ActivityHour, none after it is. A rollup moves the watermark to the last closed hour (with a
 * margin for transactions still committing rows stamped a little earlier) and adds that span's
 * counts in the same transaction, so a killed rollup counts nothing twice. Without a watermark
 * the first rollup starts at the tenant's first row (a tenant without rows gets one at once). Readers add the rows after the watermark
 * (server/console/overview.ts); retention deletes only rows before it (server/tasks/retention.ts).
 */
import { Prisma } from "@prisma/client";
import { db } from "../db/client";

const HOUR_MS = 3_600_000;
/** Rows stamped this long before now may still be committing: the hour they fall in stays open. */
/** Advisory lock key (with the tenant id) that one tenant's rollup transaction holds. */
export const ROLLUP_LOCK = "activity-rollup";
export const ROLLUP_MARGIN_MS = 5 * 60_000;
/** Hours one transaction counts at most (a first rollup over months goes in several). */
const SPAN_HOURS = 7 * 24;

const floorHour = (at: Date) => new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);

/** The end of the last hour a rollup at `now` may count. */
export function closedUntil(now = new Date()): Date {
  return floorHour(new Date(now.getTime() - ROLLUP_MARGIN_MS));
}

/**
 * The start of a tenant's first countable hour: the hour of its oldest receipt, task or pass
 * (every push delivery belongs to a pass and comes after it), or null when it has none.
 */
async function firstHour(tx: Prisma.TransactionClient, tenantId: string): Promise<Date | null> {
  const [{ first }] = await tx.$queryRaw<[{ first: Date | null }]>`
    SELECT least(
      (SELECT min("createdAt") FROM "WebhookReceipt" WHERE "tenantId" = ${tenantId}),
      (SELECT min("createdAt") FROM "SyncTask" WHERE "tenantId" = ${tenantId}),
      (SELECT min("createdAt") FROM "Pass" WHERE "tenantId" = ${tenantId})) AS first`;
  return first ? floorHour(first) : null;
}

/** Adds the counts of a tenant's rows in [from, to) to ActivityHour, hour by hour. */
function countSpan(tenantId: string, from: Date, to: Date) {
  return Prisma.sql`
    INSERT INTO "ActivityHour" ("tenantId", hour, webhooks, succeeded, failed, pushes, "pushFailures")
    SELECT ${tenantId}, hour, sum(webhooks), sum(succeeded), sum(failed), sum(pushes), sum("pushFailures")
      FROM (
        SELECT date_trunc('hour', "createdAt") AS hour, count(*) AS webhooks, 0 AS succeeded, 0 AS failed, 0 AS pushes, 0 AS "pushFailures"
          FROM "WebhookReceipt" WHERE "tenantId" = ${tenantId} AND "createdAt" >= ${from} AND "createdAt" < ${to} GROUP BY 1
        UNION ALL
        SELECT date_trunc('hour', "finishedAt"), 0, count(*) FILTER (WHERE status = 'SUCCEEDED'), count(*) FILTER (WHERE status = 'FAILED'), 0, 0
          FROM "SyncTask" WHERE "tenantId" = ${tenantId} AND "finishedAt" >= ${from} AND "finishedAt" < ${to} AND status IN ('SUCCEEDED', 'FAILED') GROUP BY 1
        UNION ALL
        SELECT date_trunc('hour', d."createdAt"), 0, 0, 0, count(*) FILTER (WHERE d.status = 'ACCEPTED'), count(*) FILTER (WHERE d.status IN ('REJECTED', 'FAILED'))
          FROM "PushDelivery" d JOIN "Pass" p ON p.id = d."passId"
         WHERE p."tenantId" = ${tenantId} AND d."createdAt" >= ${from} AND d."createdAt" < ${to} AND d.status IN ('ACCEPTED', 'REJECTED', 'FAILED') GROUP BY 1
      ) counts
     GROUP BY hour
    ON CONFLICT ("tenantId", hour) DO UPDATE SET
      webhooks = "ActivityHour".webhooks + EXCLUDED.webhooks, succeeded = "ActivityHour".succeeded + EXCLUDED.succeeded,
      failed = "ActivityHour".failed + EXCLUDED.failed, pushes = "ActivityHour".pushes + EXCLUDED.pushes,
      "pushFailures" = "ActivityHour"."pushFailures" + EXCLUDED."pushFailures"`;
}

/**
 * Counts one tenant's closed hours into ActivityHour, up to `closedUntil(now)`, in spans of at most
 * a week, one transaction each (the tenant's watermark row locked, so two rollups never count
 * the same span). Resolves with the tenant's watermark afterwards.
 */
export async function rollUpTenant(tenantId: string, now = new Date()): Promise<Date> {
  const until = closedUntil(now);
  for (;;) {
    const next = await db().$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${ROLLUP_LOCK}), hashtext(${tenantId}))`;
      const mark = await tx.activityRollup.findUnique({ where: { tenantId }, select: { rolledUntil: true } });
      // a tenant without rows yet starts its watermark now: every row it gets comes after it
      const from = mark?.rolledUntil ?? (await firstHour(tx, tenantId)) ?? until;
      if (from >= until) {
        if (!mark) await tx.activityRollup.create({ data: { tenantId, rolledUntil: from } });
        return { at: from, done: true };
      }
      const to = new Date(Math.min(until.getTime(), from.getTime() + SPAN_HOURS * HOUR_MS));
      await tx.$executeRaw(countSpan(tenantId, from, to));
      await tx.activityRollup.upsert({ where: { tenantId }, create: { tenantId, rolledUntil: to }, update: { rolledUntil: to } });
      return { at: to, done: to >= until };
    });
    if (next.done) return next.at;
  }
}

/**
 * Rolls up every tenant from the one with id `from` on (ids in order) until `budgetMs` has passed.
 * Resolves with the tenant id to continue from, or null when every tenant is done.
 */
export async function rollUpTenants(opts: { from?: string; budgetMs?: number; now?: Date } = {}): Promise<{ from: string | null }> {
  const started = Date.now();
  const tenants = await db().tenant.findMany({ where: opts.from ? { id: { gte: opts.from } } : {}, select: { id: true }, orderBy: { id: "asc" } });
  for (const { id } of tenants) {
    if (opts.budgetMs !== undefined && Date.now() - started > opts.budgetMs) return { from: id };
    await rollUpTenant(id, opts.now);
  }
  return { from: null };
}
