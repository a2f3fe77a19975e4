/**
 * The work of one PASS_UPDATE task (the pass-update Inngest function): the pass change and the
 * task's output commit together, so a run repeated after a crash returns the stored result
 * instead of changing the pass twice. Plain SQL on node-postgres: this is the hot path of every
 * Klaviyo pushUpdate (server/db/sql.ts says why).
 */
import { applyPassUpdate, type PassUpdateResult } from "../passes/update";
import { pgTransaction } from "../db/sql";
import { passUpdateInput } from "./inputs";
import { runTaskOnce, type TaskRunResult } from "./lifecycle";

/**
 * Marks the task RUNNING and applies its pushUpdate (server/passes/update.ts for the rules).
 * @throws DomainError (final) or any other error (retried)
 */
export function runPassUpdateTask(taskId: string, attempt: number): Promise<TaskRunResult<PassUpdateResult>> {
  return runTaskOnce(taskId, attempt, pgTransaction, (sql, task) => applyPassUpdate(sql, task.tenant, passUpdateInput.parse(task.input), task.id), (r) => r.passId);
}
