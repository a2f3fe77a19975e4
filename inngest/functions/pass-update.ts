/**
 * pass-update: a Klaviyo pushUpdate task (SyncTask PASS_UPDATE) changes its pass.
 *
 * Steps: `apply-update` (resolve the customer and pass, apply the values, bump the version tag,
 * write the PassChange; server/passes/update.ts) → `emit-pass-changed` (only when something
 * changed) → `complete-task` (SUCCEEDED with `{ changed, passId, serialNumber, versionTag,
 * changedKeys }`).
 *
 * Failures: identifier_conflict, pass_not_found, ambiguous_pass, pass_type_not_found,
 * invalid_field_value and invalid_input are final (NonRetriableError, no retry); anything else
 * (database trouble) is retried 3 times with back-off, then onFailure marks the task FAILED.
 *
 * Concurrency: at most 25 runs per tenant, so one busy merchant cannot take every worker. Two
 * updates of one pass never interleave: the event names the task, not the pass (the pass is only
 * known after resolving the identifiers), so `apply-update` takes the pass's row lock for its
 * whole transaction and a second update of the same pass waits for the first to commit.
 */
import { inngest } from "../client";
import { passChanged, passUpdateRequested } from "../events";
import { failTaskOnFailure, taskWork } from "../task-step";
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
  async ({ event, step, attempt }) => {
    const { taskId, tenantId, correlationId } = event.data;
    const task = { taskId, correlationId };
    const run = await step.run("apply-update", () => taskWork(task, () => runPassUpdateTask(taskId, attempt)));
    if (run.duplicate) return { duplicate: true, status: run.status };
    const result = run.value;
    const { passId, versionTag } = result;
    if (result.changed) {
      await step.sendEvent(
        "emit-pass-changed",
        passChanged.create({ passId, tenantId, versionTag, taskId, correlationId }, { id: `pass-changed-${passId}-${versionTag}` }),
      );
    }
    const output = { changed: result.changed, passId, serialNumber: result.serialNumber, versionTag, changedKeys: result.changedKeys };
    await step.run("complete-task", () => taskWork(task, () => completeTask(taskId, output)));
    return output;
  },
);
