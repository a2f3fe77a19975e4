/**
 * pass-update: a Klaviyo pushUpdate task (SyncTask PASS_UPDATE) changes its pass.
 *
 * No step: the body marks the task RUNNING; resolves the customer and pass, applies the values,
 * bumps the version tag and writes the PassChange, all in one transaction that also stores the
 * task's result (server/passes/update.ts); sends `pass.changed` when something changed; marks the
 * task SUCCEEDED with `{ changed, passId, serialNumber, versionTag, changedKeys }`. The body is
 * idempotent on its own: a retry after a partial failure finds the stored result (the pass never
 * changes twice) and the event id names the pass version (it is never sent twice), so a
 * `step.run` would memoize nothing a retry needs. Without one, a run is a single call of the
 * serve endpoint instead of two; each call costs about 1 ms of CPU in the SDK alone
 * (`npm run bench:floor`), which is what bounds throughput.
 *
 * Failures: identifier_conflict, pass_not_found, ambiguous_pass, pass_type_not_found,
 * invalid_field_value and invalid_input are final (NonRetriableError, no retry); anything else
 * (database trouble) is retried 3 times with back-off, then onFailure marks the task FAILED.
 *
 * Concurrency: at most 25 runs per tenant, so one busy merchant cannot take every worker. Two
 * updates of one pass never interleave: the event names the task, not the pass (the pass is only
 * known after resolving the identifiers), so the step takes the pass's row lock for its whole
 * transaction and a second update of the same pass waits for the first to commit.
 */
import { inngest } from "../client";
import { passUpdateRequested } from "../events";
import { emitPassChanged, failTaskOnFailure, taskWork } from "@/inngest/task-run";
import { pgTransaction } from "@/server/db/sql";
import { applyPassUpdate, passUpdateInput } from "@/server/passes/update";
import { completeTask, runTaskOnce } from "@/server/tasks/lifecycle";

export const passUpdate = inngest.createFunction(
  {
    id: "pass-update",
    name: "Pass update (Klaviyo pushUpdate)",
    triggers: [passUpdateRequested],
    retries: 3,
    concurrency: [{ key: "event.data.tenantId", limit: 25 }],
    onFailure: failTaskOnFailure,
  },
  async ({ event, attempt }) =>
    taskWork(event.data, attempt, async () => {
      // plain SQL on node-postgres: this is the hot path of every pushUpdate (server/db/sql.ts)
      const run = await runTaskOnce(event.data.taskId, attempt, pgTransaction, (sql, task) => applyPassUpdate(sql, task.tenant, passUpdateInput.parse(task.input), task.id), (r) => ({ passId: r.passId, customerRecordId: r.customerRecordId }));
      if (run.duplicate) return { duplicate: true as const, status: run.status };
      const { changed, passId, serialNumber, versionTag, changedKeys } = run.value;
      if (changed) await emitPassChanged(event.data, [{ passId, versionTag }]);
      const output = { changed, passId, serialNumber, versionTag, changedKeys };
      await completeTask(event.data.taskId, output);
      return output;
    }),
);
