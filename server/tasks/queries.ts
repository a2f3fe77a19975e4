/** Reading sync tasks for operators (CLI `task list` / `task show`). */
import type { Prisma, SyncTaskKind, SyncTaskStatus } from "@prisma/client";
import { db } from "../db/client";
import { DomainError } from "@/server/platform/errors";
import { getTenant } from "../tenants/tenants";

export const TASK_STATUSES: SyncTaskStatus[] = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED"];
export const TASK_KINDS: SyncTaskKind[] = ["PASS_UPDATE", "PROFILE_SYNC"];

const TASK_ROW = {
  id: true,
  tenantId: true,
  kind: true,
  status: true,
  attempts: true,
  errorCode: true,
  lastError: true,
  correlationId: true,
  passId: true,
  replayOfId: true,
  queuedAt: true,
  startedAt: true,
  finishedAt: true,
  createdAt: true,
  tenant: { select: { slug: true } },
} satisfies Prisma.SyncTaskSelect;

export interface TaskListFilter {
  status?: SyncTaskStatus;
  /** Tenant slug or id. */
  tenant?: string;
  kind?: SyncTaskKind;
  errorCode?: string;
  limit?: number;
}

/**
 * Tasks newest first (default 50, at most 1,000).
 * @throws DomainError invalid_input (unknown status or kind), tenant_not_found
 */
export async function listTasks(filter: TaskListFilter = {}) {
  if (filter.status && !TASK_STATUSES.includes(filter.status)) throw new DomainError("invalid_input", `status must be one of ${TASK_STATUSES.join(", ")}`, "status");
  if (filter.kind && !TASK_KINDS.includes(filter.kind)) throw new DomainError("invalid_input", `kind must be one of ${TASK_KINDS.join(", ")}`, "kind");
  const tenantId = filter.tenant ? (await getTenant(filter.tenant)).id : undefined;
  return db().syncTask.findMany({
    where: { status: filter.status, kind: filter.kind, errorCode: filter.errorCode, tenantId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(Math.max(filter.limit ?? 50, 1), 1000),
    select: TASK_ROW,
  });
}

/**
 * One task with its input and output, receipt, replay links and the pass changes it made.
 * @throws DomainError not_found
 */
export async function showTask(id: string) {
  const task = await db().syncTask.findUnique({
    where: { id },
    select: {
      ...TASK_ROW,
      input: true,
      output: true,
      dedupeKey: true,
      receipt: { select: { id: true, endpoint: true, correlationId: true, responseStatus: true, createdAt: true } },
      replays: { select: { id: true, status: true, correlationId: true, createdAt: true }, orderBy: { createdAt: "asc" } },
      changes: { select: { passId: true, versionTag: true, changes: true, createdAt: true }, orderBy: { createdAt: "asc" } },
    },
  });
  if (!task) throw new DomainError("not_found", `no sync task ${id}`, "id");
  return task;
}
