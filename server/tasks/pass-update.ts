/**
 * The work of one PASS_UPDATE task (the pass-update Inngest function's first step): the pass
 * change and the task's output commit together, so a step re-run after a crash returns the stored
 * result instead of changing the pass twice.
 */
import { applyPassUpdate, type PassUpdateResult } from "../passes/update";
import { passUpdateInput } from "./inputs";
import { runTaskOnce, type TaskRunResult } from "./lifecycle";

/**
 * Marks the task RUNNING and applies its pushUpdate (server/passes/update.ts for the rules).
 * @throws DomainError (final) or any other error (retried)
 */
export function runPassUpdateTask(taskId: string, attempt: number): Promise<TaskRunResult<PassUpdateResult>> {
  return runTaskOnce(taskId, attempt, (tx, task) => applyPassUpdate(tx, task.tenantId, passUpdateInput.parse(task.input), task.id), (r) => r.passId);
}
