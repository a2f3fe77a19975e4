/**
 * Re-sending events for tasks still QUEUED: the emit after the listener's transaction failed, or
 * the process died between commit and emit. Events carry the task's id (`task-<id>`), so a task
 * whose event did arrive and merely waits its turn is not run twice.
 */
import { db } from "../db/client";
import { logger } from "@/server/platform/log";
import { dispatchTasks } from "@/inngest/dispatch";

const BATCH = 500;

/**
 * Dispatches every task QUEUED for longer than `olderThanMs`, oldest first, in batches.
 * Resolves with how many were sent; throws when a batch cannot be sent (the caller retries).
 */
export async function redispatchQueuedTasks({ olderThanMs = 60_000 }: { olderThanMs?: number } = {}): Promise<{ dispatched: number }> {
  const before = new Date(Date.now() - olderThanMs);
  let dispatched = 0;
  let cursor: { queuedAt: Date; id: string } | undefined;
  for (;;) {
    const tasks = await db().syncTask.findMany({
      where: {
        status: "QUEUED",
        queuedAt: { lte: before },
        ...(cursor && { OR: [{ queuedAt: { gt: cursor.queuedAt } }, { queuedAt: cursor.queuedAt, id: { gt: cursor.id } }] }),
      },
      orderBy: [{ queuedAt: "asc" }, { id: "asc" }],
      take: BATCH,
      select: { id: true, tenantId: true, kind: true, correlationId: true, queuedAt: true },
    });
    if (tasks.length === 0) break;
    if (!(await dispatchTasks(tasks))) throw new Error(`could not re-send ${tasks.length} queued task event(s)`);
    dispatched += tasks.length;
    const last = tasks[tasks.length - 1]!;
    cursor = { queuedAt: last.queuedAt, id: last.id };
    if (tasks.length < BATCH) break;
  }
  if (dispatched) logger.info({ dispatched, olderThanMs }, "re-sent events of queued tasks");
  return { dispatched };
}
