/**
 * Shared by the task functions (pass-update, profile-sync): how a run's (or a step's) failure reaches the
 * SyncTask and Inngest, and the onFailure handler that ends the task.
 */
import { NonRetriableError, RetryAfterError } from "inngest";
import { RetriableTaskError } from "@/server/platform/errors";
import { classifyTaskError, failTask, formatTaskFailure, recordTaskFailure } from "@/server/tasks/lifecycle";
import { withCorrelation } from "@/server/platform/log";
import { inngest } from "./client";
import { passVersionEvents, type ChangedPassVersion, type TaskEventData } from "./events";

/**
 * Runs a function's or step's work for the task (`attempt`: the SDK's 0-based attempt) with its
 * correlation id on every log line. A failure is recorded on the task (FAILED when final) and
 * rethrown for Inngest: final ones as NonRetriableError (`code: message`), a remote Retry-After as
 * RetryAfterError, anything else as a plain error to retry.
 */
export function taskWork<T>(task: Pick<TaskEventData, "taskId" | "correlationId">, attempt: number, work: () => Promise<T>): Promise<T> {
  return withCorrelation(task.correlationId, async () => {
    try {
      return await work();
    } catch (err) {
      const failure = classifyTaskError(err);
      await recordTaskFailure(task.taskId, attempt, failure);
      const message = formatTaskFailure(failure);
      if (failure.final) throw new NonRetriableError(message, { cause: err });
      if (err instanceof RetriableTaskError && err.retryAfterSeconds) throw new RetryAfterError(message, err.retryAfterSeconds * 1000, { cause: err });
      throw new Error(message, { cause: err });
    }
  });
}

/** onFailure of a task function: the run is over, so the task is FAILED with the last error. */
export async function failTaskOnFailure({ event, error }: { event: { data: { event: { data: TaskEventData } } }; error: Error }): Promise<void> {
  const { taskId, correlationId } = event.data.event.data;
  await withCorrelation(correlationId, () => failTask(taskId, error.message));
}

/**
 * Sends the events of each changed pass version (passVersionEvents: `pass.changed`, and the Google
 * Wallet sync for a pass with an object), from inside the step that changed them. Event ids name
 * the pass version, so a step retried after a partial failure sends nothing twice (Inngest drops
 * repeated event ids).
 */
export async function emitPassChanged(task: TaskEventData, passes: ChangedPassVersion[]): Promise<void> {
  if (passes.length === 0) return;
  await inngest.send(passVersionEvents(passes, { tenantId: task.tenantId, taskId: task.taskId, correlationId: task.correlationId }));
}
