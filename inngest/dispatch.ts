/**
 * Hands committed SyncTasks to Inngest. The event id is `task-<taskId>`, so a repeated send
 * (the redispatcher, a replay of the emit) collapses into one run. A failed send is logged and
 * left to the redispatcher: the task stays QUEUED in the database, so nothing is lost.
 *
 * `dispatchTasks` batches: events of tasks accepted within the same few milliseconds go to
 * Inngest in one request (at most 500 events), which keeps the webhook path cheap under load.
 */
import type { SyncTask } from "@prisma/client";
import { inngest } from "./client";
import { klaviyoEventRequested, klaviyoProfileRequested, passIssueRequested, passUpdateRequested, profileSyncRequested } from "./events";
import { logger } from "@/server/platform/log";

type DispatchableTask = Pick<SyncTask, "id" | "tenantId" | "kind" | "correlationId">;

/** How long a batch waits for more tasks before it is sent. */
const BATCH_WINDOW_MS = 5;
const MAX_BATCH = 500;

/** The event type that runs each kind of task. */
const EVENT_OF_KIND = {
  PASS_UPDATE: passUpdateRequested,
  PROFILE_SYNC: profileSyncRequested,
  KLAVIYO_EVENT: klaviyoEventRequested,
  KLAVIYO_PROFILE: klaviyoProfileRequested,
  PASS_ISSUE: passIssueRequested,
} satisfies Record<SyncTask["kind"], unknown>;

/** The Inngest event that runs `task`. */
export function taskEvent(task: DispatchableTask) {
  const type = EVENT_OF_KIND[task.kind];
  return type.create({ taskId: task.id, tenantId: task.tenantId, correlationId: task.correlationId }, { id: `task-${task.id}` });
}

async function send(tasks: DispatchableTask[]): Promise<boolean> {
  try {
    await inngest.send(tasks.map(taskEvent));
    return true;
  } catch (err) {
    logger.warn(
      { err: (err as Error).message, taskIds: tasks.slice(0, 10).map((t) => t.id), count: tasks.length },
      "task dispatch failed; tasks stay QUEUED for the redispatcher",
    );
    return false;
  }
}

interface Pending {
  tasks: DispatchableTask[];
  done: Promise<boolean>;
}

let pending: Pending | undefined;

/**
 * Sends the events of `tasks` (batched with other tasks dispatched within BATCH_WINDOW_MS).
 * Resolves true once sent, false when sending failed (logged); never rejects.
 */
export function dispatchTasks(tasks: DispatchableTask[]): Promise<boolean> {
  if (tasks.length === 0) return Promise.resolve(true);
  if (tasks.length >= MAX_BATCH) return send(tasks);
  if (!pending || pending.tasks.length + tasks.length > MAX_BATCH) {
    const batch: Pending = { tasks: [], done: Promise.resolve(true) };
    batch.done = new Promise((resolve) => setTimeout(() => {
      if (pending === batch) pending = undefined;
      resolve(send(batch.tasks));
    }, BATCH_WINDOW_MS));
    pending = batch;
  }
  pending.tasks.push(...tasks);
  return pending.done;
}
