/** Sync tasks as the console lists and inspects them. */
import { Prisma, SyncTaskKind, SyncTaskStatus } from "@prisma/client";
import { z } from "zod";
import { db } from "../db/client";
import { DomainError } from "@/server/platform/errors";
import { createdBetween, pageArgs, pageFields, timeRangeFields, toPage } from "./pagination";

/** Filters of the sync task list (all optional; `tenant` is a slug). */
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

/** The Prisma where clause of a task filter. */
export function taskWhere(f: TaskFilter): Prisma.SyncTaskWhereInput {
  return {
    ...(f.tenant ? { tenant: { slug: f.tenant } } : {}),
    status: f.status,
    kind: f.kind,
    errorCode: f.errorCode,
    correlationId: f.correlationId,
    createdAt: createdBetween(f),
  };
}

const tenantRef = { select: { slug: true, name: true } } as const;

export const taskRowSelect = {
  id: true,
  kind: true,
  status: true,
  attempts: true,
  errorCode: true,
  lastError: true,
  correlationId: true,
  receiptId: true,
  passId: true,
  replayOfId: true,
  queuedAt: true,
  startedAt: true,
  finishedAt: true,
  createdAt: true,
  tenant: tenantRef,
} satisfies Prisma.SyncTaskSelect;
export type TaskRow = Prisma.SyncTaskGetPayload<{ select: typeof taskRowSelect }>;

/** One page of tasks, newest first. */
export async function listTasks(input: z.infer<typeof taskListInput>) {
  const rows = await db().syncTask.findMany({ where: taskWhere(input), select: taskRowSelect, ...pageArgs(input) });
  return toPage(rows, input.limit);
}

/** How many tasks match a filter. */
export async function countTasks(filter: TaskFilter): Promise<number> {
  return db().syncTask.count({ where: taskWhere(filter) });
}

/** The part of a task filter that a bulk replay understands (tenant, kind, error code, time). */
export const replayFilter = taskFilter.pick({ tenant: true, kind: true, errorCode: true, from: true, to: true });
export type ReplayFilterInput = z.infer<typeof replayFilter>;

/** How many tasks a bulk replay of `filter` would take: FAILED and not replayed yet. */
export async function countReplayable(filter: ReplayFilterInput): Promise<number> {
  return db().syncTask.count({ where: { ...taskWhere(filter), status: "FAILED", replays: { none: {} } } });
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

export const taskDetailSelect = {
  ...taskRowSelect,
  dedupeKey: true,
  input: true,
  output: true,
  updatedAt: true,
  receipt: { select: { id: true, endpoint: true, responseStatus: true, createdAt: true } },
  replayOf: { select: { id: true, status: true, createdAt: true } },
  replays: { select: { id: true, status: true, createdAt: true }, orderBy: { createdAt: "asc" } },
  changes: { select: { id: true, versionTag: true, changes: true, createdAt: true, pass: { select: { serialNumber: true } } }, orderBy: { createdAt: "asc" } },
} satisfies Prisma.SyncTaskSelect;

/** A task with its input, output, timings, the receipt that created it and its replays. @throws DomainError not_found */
export async function getTask(id: string) {
  const task = await db().syncTask.findUnique({ where: { id }, select: taskDetailSelect });
  if (!task) throw new DomainError("not_found", `no sync task ${JSON.stringify(id)}`, "id");
  const pass = task.passId ? await db().pass.findUnique({ where: { id: task.passId }, select: { serialNumber: true } }) : null;
  return {
    ...task,
    pass,
    timings: {
      waitedMs: task.startedAt ? task.startedAt.getTime() - task.queuedAt.getTime() : null,
      ranMs: task.startedAt && task.finishedAt ? task.finishedAt.getTime() - task.startedAt.getTime() : null,
    },
  };
}
