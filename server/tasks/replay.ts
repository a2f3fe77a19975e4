/**
 * Replay: running a task's input again as a new task once the cause of its failure is fixed.
 *
 * A replay is a new SyncTask with `replayOfId` pointing at the task replayed, the same tenant,
 * kind, input and receipt, and the correlation id of the original with a `.r<n>` suffix (n counts
 * the replays of that original, so `c0ffee.r1`, `c0ffee.r2`…; a replay of a replay keeps
 * counting on the original's id). It is written with an AuditLog row (`task.replay`) in one
 * transaction, then its event is sent; if sending fails it stays QUEUED for the redispatcher.
 *
 * Only FAILED tasks are replayed; a SUCCEEDED one only with `force` (running a pushUpdate again
 * is harmless: an update that changes nothing ends `changed: false`). The console and the CLI
 * (`task replay`) call these functions.
 *
 * A FAILED task whose change was already committed (it has an output: the apply step stored its
 * result with the change, and a later step failed, e.g. the merchant sync-back with
 * merchant_unavailable) is resumed, not re-applied: the replay carries that output, so its apply
 * step returns it (runTaskOnce) and only the steps after it run again. Re-applying the old input
 * would put stale values back over any newer change to the customer or pass.
 */
import { Prisma, type SyncTask } from "@prisma/client";
import { db } from "../db/client";
import { DomainError } from "@/server/platform/errors";
import { dispatchTasks } from "@/inngest/dispatch";
import { REPLAYABLE, taskWhere, type ReplayFilter } from "./queries";

type Tx = Prisma.TransactionClient;

const BATCH = 100;

/** The next `.r<n>` correlation id for a replay of a task with `correlationId`. */
async function replayCorrelationId(tx: Tx, correlationId: string): Promise<string> {
  const root = correlationId.replace(/(\.r\d+)+$/, "");
  const [{ count }] = await tx.$queryRaw<[{ count: bigint }]>`
    SELECT count(*) AS count FROM "SyncTask" WHERE "correlationId" LIKE ${`${root.replace(/[\\%_]/g, "\\$&")}.r%`}`;
  return `${root}.r${Number(count) + 1}`;
}

async function createReplay(tx: Tx, original: SyncTask, actor: string, details: Prisma.InputJsonObject): Promise<SyncTask> {
  const resumesAppliedChange = original.status === "FAILED" && original.output !== null;
  const replay = await tx.syncTask.create({
    data: {
      tenantId: original.tenantId,
      receiptId: original.receiptId,
      kind: original.kind,
      input: original.input as Prisma.InputJsonValue,
      correlationId: await replayCorrelationId(tx, original.correlationId),
      replayOfId: original.id,
      ...(resumesAppliedChange && { output: original.output as Prisma.InputJsonValue, passId: original.passId }),
    },
  });
  await tx.auditLog.create({
    data: {
      actor,
      action: "task.replay",
      targetType: "SyncTask",
      targetId: original.id,
      tenantId: original.tenantId,
      details: { replayTaskId: replay.id, correlationId: replay.correlationId, previousStatus: original.status, errorCode: original.errorCode, resumesAppliedChange, ...details },
    },
  });
  return replay;
}

/**
 * Replays one task and returns the new task (QUEUED, its event sent).
 * @throws DomainError not_found (no such task), conflict (not FAILED; SUCCEEDED without force)
 */
export async function replayTask({ taskId, actor, force = false }: { taskId: string; actor: string; force?: boolean }): Promise<SyncTask> {
  const replay = await db().$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "SyncTask" WHERE id = ${taskId} FOR UPDATE`;
    if (!locked) throw new DomainError("not_found", `no sync task ${taskId}`, "taskId");
    const task = await tx.syncTask.findUniqueOrThrow({ where: { id: taskId } });
    if (task.erasedAt) throw new DomainError("conflict", `task ${taskId} carried an erased customer; its input is gone`, "taskId");
    if (task.status !== "FAILED" && !(task.status === "SUCCEEDED" && force)) {
      throw new DomainError(
        "conflict",
        task.status === "SUCCEEDED" ? `task ${taskId} SUCCEEDED; replay it with force` : `task ${taskId} is ${task.status}; only FAILED tasks are replayed`,
        "taskId",
      );
    }
    return createReplay(tx, task, actor, { force });
  });
  await dispatchTasks([replay]);
  return replay;
}

/**
 * Replays every FAILED task matching `filter` that has not been replayed yet, in batches of 100
 * (one transaction each, events sent after each batch). Resolves with how many were replayed.
 * @throws DomainError tenant_not_found
 */
export async function replayTasks({ filter, actor }: { filter: ReplayFilter; actor: string }): Promise<number> {
  const where = { ...(await taskWhere(filter)), ...REPLAYABLE };
  const details = {
    bulk: true,
    filter: { ...filter, tenant: where.tenantId ?? null, from: filter.from?.toISOString() ?? null, to: filter.to?.toISOString() ?? null } as Prisma.InputJsonObject,
  };
  let count = 0;
  let cursor: string | undefined;
  for (;;) {
    const batch = await db().syncTask.findMany({ where: { ...where, ...(cursor && { id: { gt: cursor } }) }, orderBy: { id: "asc" }, take: BATCH });
    if (batch.length === 0) break;
    const replays = await db().$transaction(async (tx) => {
      const created: SyncTask[] = [];
      for (const task of batch) created.push(await createReplay(tx, task, actor, details));
      return created;
    });
    await dispatchTasks(replays);
    count += replays.length;
    cursor = batch[batch.length - 1]!.id;
    if (batch.length < BATCH) break;
  }
  return count;
}
