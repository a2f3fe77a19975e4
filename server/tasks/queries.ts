/**
 * Reading sync tasks: the one query layer behind the console (tRPC) and the CLI. One filter
 * schema (tenant slug or id, status, kind, error code, correlation id, time range), one where
 * clause, and the "replayable" condition shared with bulk replay (./replay.ts).
 */
import { Prisma, SyncTaskKind, SyncTaskStatus } from "@prisma/client";
import { z } from "zod";
import { db } from "../db/client";
import { createdBetween, pageArgs, pageFields, timeRangeFields, toPage } from "../db/pagination";
import { DomainError } from "@/server/platform/errors";
import { getTenant } from "../tenants/tenants";

/** Filters of the sync task list (all optional; `tenant` is a slug or id). */
export const taskFilter = z.object({
  tenant: z.string().min(1).optional(),
  status: z.enum(SyncTaskStatus).optional(),
  kind: z.enum(SyncTaskKind).optional(),
  errorCode: z.string().min(1).optional(),
  correlationId: z.string().min(1).optional(),
  ...timeRangeFields,
});
export type TaskFilter = z.infer<typeof taskFilter>;
export const taskListInput = taskFilter.extend(pageFields);

/** The part of a task filter that a bulk replay takes (tenant, kind, error code, time). */
export const replayFilter = taskFilter.pick({ tenant: true, kind: true, errorCode: true, from: true, to: true });
export type ReplayFilter = z.infer<typeof replayFilter>;

/** What a bulk replay takes: FAILED tasks not replayed yet. */
export const REPLAYABLE = { status: "FAILED", erasedAt: null, replays: { none: {} } } satisfies Prisma.SyncTaskWhereInput;
/** What a bulk replay leaves out: FAILED tasks replayed already (their replay is a task of its own). */
export const ALREADY_REPLAYED = { status: "FAILED", replays: { some: {} } } satisfies Prisma.SyncTaskWhereInput;

/** The where clause of a task filter. @throws DomainError tenant_not_found */
export async function taskWhere(f: TaskFilter): Promise<Prisma.SyncTaskWhereInput & { tenantId?: string }> {
  return {
    ...(f.tenant ? { tenantId: (await getTenant(f.tenant)).id } : {}),
    status: f.status,
    kind: f.kind,
    errorCode: f.errorCode,
    correlationId: f.correlationId,
    createdAt: createdBetween(f),
  };
}

export const taskRowSelect = {
  id: true,
  tenantId: true,
  kind: true,
  status: true,
  attempts: true,
  errorCode: true,
  lastError: true,
  correlationId: true,
  receiptId: true,
  passId: true,
  customerRecordId: true,
  replayOfId: true,
  queuedAt: true,
  startedAt: true,
  finishedAt: true,
  createdAt: true,
  tenant: { select: { slug: true, name: true } },
} satisfies Prisma.SyncTaskSelect;

/**
 * One page of tasks, newest first. `limit` is checked by the caller's schema (the console's
 * pages take at most 200, the CLI at most 1,000). @throws DomainError tenant_not_found
 */
export async function listTasks(input: TaskFilter & { cursor?: string; limit: number }) {
  const rows = await db().syncTask.findMany({ where: await taskWhere(input), select: taskRowSelect, ...pageArgs(input) });
  return toPage(rows, input.limit);
}

/** How many tasks match a filter. @throws DomainError tenant_not_found */
export async function countTasks(filter: TaskFilter): Promise<number> {
  return db().syncTask.count({ where: await taskWhere(filter) });
}

/** How many tasks a bulk replay of `filter` would take. @throws DomainError tenant_not_found */
export async function countReplayable(filter: ReplayFilter): Promise<number> {
  return db().syncTask.count({ where: { ...(await taskWhere(filter)), ...REPLAYABLE } });
}

/** How many FAILED tasks matching `filter` a bulk replay leaves out because they were replayed already. @throws DomainError tenant_not_found */
export async function countAlreadyReplayed(filter: ReplayFilter): Promise<number> {
  return db().syncTask.count({ where: { ...(await taskWhere(filter)), ...ALREADY_REPLAYED } });
}

/** The error codes of the tasks a bulk replay of `filter` would take, with their counts, most frequent first. @throws DomainError tenant_not_found */
export async function replayableErrorCodes(filter: ReplayFilter): Promise<{ errorCode: string | null; count: number }[]> {
  const groups = await db().syncTask.groupBy({
    by: ["errorCode"],
    where: { ...(await taskWhere(filter)), ...REPLAYABLE },
    _count: { _all: true },
    orderBy: { _count: { errorCode: "desc" } },
  });
  return groups.map((g) => ({ errorCode: g.errorCode, count: g._count._all }));
}

/** Error codes of failed tasks with their counts, most frequent first (filter choices). */
export async function taskErrorCodes(): Promise<{ errorCode: string; count: number }[]> {
  const groups = await db().syncTask.groupBy({
    by: ["errorCode"],
    where: { errorCode: { not: null } },
    _count: { _all: true },
    orderBy: { _count: { errorCode: "desc" } },
    take: 50,
  });
  return groups.map((g) => ({ errorCode: g.errorCode!, count: g._count._all }));
}

const taskDetailSelect = {
  ...taskRowSelect,
  dedupeKey: true,
  input: true,
  output: true,
  updatedAt: true,
  receipt: { select: { id: true, endpoint: true, correlationId: true, responseStatus: true, createdAt: true } },
  replayOf: { select: { id: true, status: true, createdAt: true } },
  replays: { select: { id: true, status: true, correlationId: true, createdAt: true }, orderBy: { createdAt: "asc" } },
  changes: { select: { id: true, passId: true, versionTag: true, changes: true, createdAt: true, pass: { select: { serialNumber: true } } }, orderBy: { createdAt: "asc" } },
} satisfies Prisma.SyncTaskSelect;

/**
 * A task with its input, output, timings, the pass and customer it resolved (failed tasks too),
 * the receipt that created it, its replays and pass changes. @throws DomainError not_found
 */
export async function getTask(id: string) {
  const task = await db().syncTask.findUnique({ where: { id }, select: taskDetailSelect });
  if (!task) throw new DomainError("not_found", `no sync task ${JSON.stringify(id)}`, "id");
  const [pass, customer] = await Promise.all([
    task.passId ? db().pass.findUnique({ where: { id: task.passId }, select: { serialNumber: true } }) : null,
    task.customerRecordId ? db().customer.findUnique({ where: { id: task.customerRecordId }, select: { id: true, email: true, phone: true, customerId: true } }) : null,
  ]);
  return {
    ...task,
    pass,
    customer,
    timings: {
      waitedMs: task.startedAt ? task.startedAt.getTime() - task.queuedAt.getTime() : null,
      ranMs: task.startedAt && task.finishedAt ? task.finishedAt.getTime() - task.startedAt.getTime() : null,
    },
  };
}
