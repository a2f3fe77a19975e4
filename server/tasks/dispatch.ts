/**
 * Hands a committed SyncTask to Inngest. The event id is `task-<taskId>`, so a repeated send
 * (the redispatcher, a replay of the emit) collapses into one run. A failed send is logged and
 * left to the redispatcher: the task stays QUEUED in the database, so nothing is lost.
 */
import type { SyncTask } from "@prisma/client";
import { inngest } from "@/inngest/client";
import { passUpdateRequested, profileSyncRequested } from "@/inngest/events";
import { logger } from "../log";

type DispatchableTask = Pick<SyncTask, "id" | "tenantId" | "kind" | "correlationId">;

/** The Inngest event that runs `task`. */
export function taskEvent(task: DispatchableTask) {
  const type = task.kind === "PASS_UPDATE" ? passUpdateRequested : profileSyncRequested;
  return type.create({ taskId: task.id, tenantId: task.tenantId, correlationId: task.correlationId }, { id: `task-${task.id}` });
}

/** Sends the events of `tasks`; resolves false (and logs) instead of throwing when sending fails. */
export async function dispatchTasks(tasks: DispatchableTask[]): Promise<boolean> {
  if (tasks.length === 0) return true;
  try {
    await inngest.send(tasks.map(taskEvent));
    return true;
  } catch (err) {
    logger.warn({ err: (err as Error).message, taskIds: tasks.slice(0, 10).map((t) => t.id), count: tasks.length }, "task dispatch failed; tasks stay QUEUED for the redispatcher");
    return false;
  }
}
