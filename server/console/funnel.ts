/**
 * The install funnel of a tenant (one pass type or all): passes issued → Add to Wallet page
 * opened → downloaded → installed → removed, from `PassEvent` (server/passes/events.ts), as
 * counts over the last `days` UTC days (today included) and per day. Stages are counted as
 * events, not passes: a pass whose page was opened twice counts twice. One statement, a range of
 * the index (tenantId, passTypeId, kind, occurredAt) per pass type and stage.
 */
import { Prisma } from "@prisma/client";
import { z } from "zod";
import { db } from "../db/client";
import { DomainError } from "@/server/platform/errors";
import { findTenant } from "../tenants/tenants";

/** The funnel's stages, in order (PassEvent kinds). */
export const FUNNEL_STAGES = ["ISSUED", "PAGE_OPENED", "DOWNLOADED", "INSTALLED", "REMOVED"] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

export const funnelInput = z.object({
  tenant: z.string().min(1),
  /** A pass type key; all of the tenant's when left out. */
  passType: z.string().min(1).optional(),
  days: z.number().int().min(1).max(366).default(30),
});
export type FunnelInput = z.input<typeof funnelInput>;

/** One stage's count over the period, and how many of them happened in each wallet. */
export interface FunnelTotal {
  stage: FunnelStage;
  count: number;
  apple: number;
  google: number;
}

/** One UTC day's count per stage. */
export type FunnelDay = { day: Date } & Record<FunnelStage, number>;

export interface InstallFunnel {
  tenant: string;
  passType: string | null;
  /** The pass types to choose from. */
  passTypes: { key: string; name: string }[];
  /** Start of the first day (UTC) and the end of the period (now). */
  from: Date;
  to: Date;
  totals: FunnelTotal[];
  days: FunnelDay[];
}

const DAY_MS = 86_400_000;

/**
 * The funnel of `input` (module comment), ending at `now`.
 * @throws DomainError tenant_not_found, pass_type_not_found (`passType`)
 */
export async function installFunnel(input: FunnelInput, now = new Date()): Promise<InstallFunnel> {
  const { tenant: ref, passType, days } = funnelInput.parse(input);
  const tenant = await findTenant(ref);
  if (!tenant) throw new DomainError("tenant_not_found", `no tenant ${JSON.stringify(ref)}`);
  const types = await db().passType.findMany({ where: { tenantId: tenant.id }, select: { id: true, key: true, name: true }, orderBy: { key: "asc" } });
  const chosen = passType ? types.filter((t) => t.key === passType) : types;
  if (passType && !chosen.length) throw new DomainError("pass_type_not_found", `tenant ${tenant.slug} has no pass type ${JSON.stringify(passType)}`, "passType");
  const from = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS - (days - 1) * DAY_MS);
  const rows = chosen.length
    ? await db().$queryRaw<{ kind: FunnelStage; platform: "APPLE" | "GOOGLE" | null; day: Date; n: number }[]>(Prisma.sql`
        SELECT kind::text AS kind, platform::text AS platform, date_trunc('day', "occurredAt") AS day, count(*)::int AS n
          FROM "PassEvent"
         WHERE "tenantId" = ${tenant.id} AND "passTypeId" = ANY(${chosen.map((t) => t.id)}::text[])
           AND kind = ANY(${[...FUNNEL_STAGES]}::"PassEventKind"[]) AND "occurredAt" >= ${from} AND "occurredAt" <= ${now}
         GROUP BY 1, 2, 3`)
    : [];
  const zero = () => Object.fromEntries(FUNNEL_STAGES.map((s) => [s, 0])) as Record<FunnelStage, number>;
  const series: FunnelDay[] = Array.from({ length: days }, (_, i) => ({ day: new Date(from.getTime() + i * DAY_MS), ...zero() }));
  const totals: FunnelTotal[] = FUNNEL_STAGES.map((stage) => ({ stage, count: 0, apple: 0, google: 0 }));
  for (const row of rows) {
    const n = Number(row.n);
    const i = Math.floor((new Date(row.day).getTime() - from.getTime()) / DAY_MS);
    if (series[i]) series[i][row.kind] += n;
    const total = totals.find((t) => t.stage === row.kind)!;
    total.count += n;
    if (row.platform === "APPLE") total.apple += n;
    if (row.platform === "GOOGLE") total.google += n;
  }
  return { tenant: tenant.slug, passType: passType ?? null, passTypes: types.map(({ key, name }) => ({ key, name })), from, to: now, totals, days: series };
}
