/**
 * pass-update: a Klaviyo pushUpdate task (SyncTask PASS_UPDATE) changes its pass.
 *
 * One step, `update-pass`: mark the task RUNNING; resolve the customer and pass, apply the values,
 * bump the version tag and write the PassChange, all in one transaction that also stores the
 * task's result (server/passes/update.ts); send `pass.changed` when something changed; mark the
 * task SUCCEEDED with `{ changed, passId, serialNumber, versionTag, changedKeys }`. The step is
 * idempotent: a retry after a partial failure finds the stored result (the pass never changes
 * twice) and the event id names the pass version (it is never sent twice). One step keeps the
 * run to two calls of the serve endpoint, which is what bounds throughput.
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
import { emitPassChanged, failTaskOnFailure, taskWork } from "../task-step";
import { runPassUpdateTask } from "@/server/tasks/pass-update";
import { completeTask } from "@/server/tasks/lifecycle";

export const passUpdate = inngest.createFunction(
  {
    id: "pass-update",
    name: "Pass update (Klaviyo pushUpdate)",
    triggers: [passUpdateRequested],
    retries: 3,
    concurrency: [{ key: "event.data.tenantId", limit: 25 }],
    onFailure: failTaskOnFailure,
  },
  async ({ event, step, attempt }) =>
    step.run("update-pass", () =>
      taskWork(event.data, async () => {
        const run = await runPassUpdateTask(event.data.taskId, attempt);
        if (run.duplicate) return { duplicate: true as const, status: run.status };
        const { changed, passId, serialNumber, versionTag, changedKeys } = run.value;
        if (changed) await emitPassChanged(event.data, [{ passId, versionTag }]);
        const output = { changed, passId, serialNumber, versionTag, changedKeys };
        await completeTask(event.data.taskId, output);
        return output;
      }),
    ),
);
