/** Audit log: who did what (replays, keys, settings). `actor` is a staff email, `cli` or `system`. */
import type { Prisma } from "@prisma/client";
import { db } from "@/server/db/client";

export interface AuditEntry {
  actor: string;
  action: string;
  targetType: string;
  targetId?: string;
  tenantId?: string;
  details?: Prisma.InputJsonObject;
}

/** Writes one audit row, inside `tx` when given so it commits with the change it records. */
export async function audit(entry: AuditEntry, tx: Prisma.TransactionClient = db()): Promise<void> {
  await tx.auditLog.create({ data: { ...entry, details: entry.details ?? {} } });
}
