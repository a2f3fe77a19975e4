/** Test helper: PassEvents of a tenant's passes at chosen times, for the install funnel. */
import { randomUUID } from "node:crypto";
import type { PassEventKind, WalletPlatform } from "@prisma/client";
import { poolSql } from "@/server/db/sql";
import { recordPassEvent } from "@/server/passes/events";

/** Records `count` events of `kind` for the pass, `daysAgo` UTC days before `now` (at its time of day). */
export async function seedPassEvents(
  pass: { id: string; tenantId: string; passTypeId: string },
  kind: PassEventKind,
  count: number,
  opts: { daysAgo?: number; platform?: WalletPlatform; now?: Date } = {},
): Promise<void> {
  const at = new Date((opts.now ?? new Date()).getTime() - (opts.daysAgo ?? 0) * 86_400_000);
  for (let i = 0; i < count; i++) {
    await recordPassEvent(poolSql(), { tenantId: pass.tenantId, passId: pass.id, passTypeId: pass.passTypeId, kind, platform: opts.platform ?? null, dedupeKey: `seed:${randomUUID()}`, occurredAt: at });
  }
}
