/** The audit log as the console lists it. */
import type { Prisma } from "@prisma/client";
import { z } from "zod";
import { db } from "../db/client";
import { createdBetween, pageArgs, pageFields, timeRangeFields, toPage } from "@/server/db/pagination";

export const auditFilter = z.object({
  tenant: z.string().min(1).optional(),
  /** Exact action (`task.replay`) or a prefix ending in a dot (`apikey.`). */
  action: z.string().min(1).optional(),
  actor: z.string().min(1).optional(),
  targetId: z.string().min(1).optional(),
  ...timeRangeFields,
});
export const auditListInput = auditFilter.extend(pageFields);

/** One page of audit entries, newest first. */
export async function listAudit(input: z.infer<typeof auditListInput>) {
  const where: Prisma.AuditLogWhereInput = {
    ...(input.tenant ? { tenant: { slug: input.tenant } } : {}),
    action: input.action?.endsWith(".") ? { startsWith: input.action } : input.action,
    actor: input.actor,
    targetId: input.targetId,
    createdAt: createdBetween(input),
  };
  const rows = await db().auditLog.findMany({
    where,
    select: { id: true, actor: true, action: true, targetType: true, targetId: true, details: true, createdAt: true, tenant: { select: { slug: true } } },
    ...pageArgs(input),
  });
  return toPage(rows, input.limit);
}

/** The distinct actions recorded (filter choices). */
export async function auditActions(): Promise<string[]> {
  const rows = await db().auditLog.findMany({ distinct: ["action"], select: { action: true }, orderBy: { action: "asc" }, take: 100 });
  return rows.map((r) => r.action);
}
