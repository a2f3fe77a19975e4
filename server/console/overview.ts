/**
 * The console overview: per tenant, webhooks received, tasks succeeded and failed, and pushes
 * sent (accepted by APNs) over the last 24 hours (hourly) or 7 days (daily), in UTC buckets.
 * Counts are the activity rollup's hourly counts (`ActivityHour`, server/tasks/activity.ts) plus
 * the rows after the tenant's watermark, usually the last hour or so: the rollup counts a row once
 * and retention deletes only counted rows, so a chart keeps its history and costs the same at any
 * volume.
 */
import { Prisma } from "@prisma/client";
import { z } from "zod";
import { db } from "../db/client";

export const overviewInput = z.object({ range: z.enum(["24h", "7d"]).default("24h") });
export type OverviewRange = z.infer<typeof overviewInput>["range"];

export interface OverviewPoint {
  /** Bucket start (UTC). */
  at: Date;
  webhooks: number;
  succeeded: number;
  failed: number;
  pushes: number;
  pushFailures: number;
}
type Metric = Exclude<keyof OverviewPoint, "at">;
const METRICS: Metric[] = ["webhooks", "succeeded", "failed", "pushes", "pushFailures"];

const RANGES = {
  "24h": { unit: "hour", stepMs: 3_600_000, buckets: 24 },
  "7d": { unit: "day", stepMs: 86_400_000, buckets: 7 },
} as const;

/** Start of the first bucket and every bucket start of a range ending now. */
export function bucketStarts(range: OverviewRange, now = new Date()): Date[] {
  const { stepMs, buckets } = RANGES[range];
  const current = Math.floor(now.getTime() / stepMs) * stepMs;
  return Array.from({ length: buckets }, (_, i) => new Date(current - (buckets - 1 - i) * stepMs));
}

interface Row {
  tenantId: string;
  bucket: Date;
  metric: string;
  n: number;
}

/** Per-tenant series and totals for the range; every tenant appears, busiest first. */
export async function overviewStats(input: { range: OverviewRange; now?: Date }) {
  const starts = bucketStarts(input.range, input.now);
  const since = starts[0]!;
  const unit = RANGES[input.range].unit;
  // per tenant (an index range each): the hourly counts, and the rows after the watermark (all of
  // them before its first rollup); push deliveries carry no tenant, so they are read from the
  // earliest watermark on, given as a value so that the plan uses the createdAt index
  const [{ earliest }] = await db().$queryRaw<[{ earliest: Date | null }]>(Prisma.sql`
    SELECT min(coalesce(a."rolledUntil", ${since})) AS earliest FROM "Tenant" t LEFT JOIN "ActivityRollup" a ON a."tenantId" = t.id`);
  const pushesSince = new Date(Math.max(since.getTime(), (earliest ?? since).getTime()));
  const rows = await db().$queryRaw<Row[]>(Prisma.sql`
    WITH mark AS (
      SELECT t.id AS "tenantId", greatest(${since}::timestamp, coalesce(a."rolledUntil", '-infinity')) AS since
        FROM "Tenant" t LEFT JOIN "ActivityRollup" a ON a."tenantId" = t.id
    )
    SELECT m."tenantId", c.bucket, c.metric, c.n FROM mark m CROSS JOIN LATERAL (
      SELECT date_trunc(${unit}, r."createdAt") AS bucket, 'webhooks' AS metric, count(*)::int AS n
        FROM "WebhookReceipt" r WHERE r."tenantId" = m."tenantId" AND r."createdAt" >= m.since GROUP BY 1
      UNION ALL
      SELECT date_trunc(${unit}, t."finishedAt"), CASE WHEN t.status = 'SUCCEEDED' THEN 'succeeded' ELSE 'failed' END, count(*)::int
        FROM "SyncTask" t WHERE t."tenantId" = m."tenantId" AND t."finishedAt" >= m.since AND t.status IN ('SUCCEEDED', 'FAILED') GROUP BY 1, 2
      UNION ALL
      SELECT date_trunc(${unit}, a.hour), v.metric, sum(v.n)::int
        FROM "ActivityHour" a
        CROSS JOIN LATERAL (VALUES ('webhooks', a.webhooks), ('succeeded', a.succeeded), ('failed', a.failed), ('pushes', a.pushes), ('pushFailures', a."pushFailures")) AS v(metric, n)
       WHERE a."tenantId" = m."tenantId" AND a.hour >= ${since} AND v.n > 0 GROUP BY 1, 2
    ) c
    UNION ALL
    SELECT p."tenantId", date_trunc(${unit}, d."createdAt"), CASE WHEN d.status = 'ACCEPTED' THEN 'pushes' ELSE 'pushFailures' END, count(*)::int
      FROM "PushDelivery" d JOIN "Pass" p ON p.id = d."passId" JOIN mark m ON m."tenantId" = p."tenantId"
     WHERE d."createdAt" >= ${pushesSince} AND d."createdAt" >= m.since AND d.status IN ('ACCEPTED', 'REJECTED', 'FAILED') GROUP BY 1, 2, 3`);
  const tenants = await db().tenant.findMany({ select: { id: true, slug: true, name: true }, orderBy: { slug: "asc" } });
  const index = new Map(starts.map((s, i) => [s.getTime(), i]));
  const result = tenants.map((t) => ({
    slug: t.slug,
    name: t.name,
    series: starts.map((at): OverviewPoint => ({ at, webhooks: 0, succeeded: 0, failed: 0, pushes: 0, pushFailures: 0 })),
    totals: { webhooks: 0, succeeded: 0, failed: 0, pushes: 0, pushFailures: 0 } as Record<Metric, number>,
  }));
  const byId = new Map(tenants.map((t, i) => [t.id, result[i]!]));
  for (const row of rows) {
    const tenant = byId.get(row.tenantId);
    const i = index.get(new Date(row.bucket).getTime());
    const metric = row.metric as Metric;
    if (!tenant || i === undefined || !METRICS.includes(metric)) continue;
    tenant.series[i]![metric] += Number(row.n);
    tenant.totals[metric] += Number(row.n);
  }
  const activity = (t: (typeof result)[number]) => METRICS.reduce((sum, m) => sum + t.totals[m], 0);
  result.sort((a, b) => activity(b) - activity(a) || a.slug.localeCompare(b.slug));
  return { range: input.range, from: since, bucketMs: RANGES[input.range].stepMs, tenants: result };
}
