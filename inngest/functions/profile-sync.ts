/**
 * profile-sync: a Klaviyo profile change (SyncTask PROFILE_SYNC) updates the customer and the
 * passes that show the changed values, then syncs the change back to the merchant's system.
 *
 * Steps: `apply-profile` (server/customers/profile-sync.ts, then `pass.changed` for each changed
 * pass; a profile with no customer ends here, SUCCEEDED `{ skipped: "customer_not_found" }`) →
 * `sync-back` (server/merchant/sync-back.ts: Standard Webhooks signed POST, skipped when the
 * tenant has no merchant system or the change came from it; then the task is SUCCEEDED). A
 * retried sync-back never re-applies the change (the first step's result is memoized and stored
 * on the task), and repeats of the POST carry the same `webhook-id` for the merchant to drop.
 *
 * Failures: invalid_input, identifier_conflict, invalid_field_value and a merchant 4xx other
 * than 408/429 (merchant_rejected) are final. A merchant 5xx, 408, 429 or network error is
 * retried as its own step (the profile change is never applied twice) up to 5 times with
 * exponential back-off, honouring Retry-After; then onFailure marks the task FAILED
 * (merchant_unavailable) and it can be replayed once the merchant is back.
 *
 * Concurrency: at most 10 runs per tenant (the merchant's endpoint is the tenant's, so this also
 * bounds the load we put on it); a customer's passes are row-locked while they change.
 */
import { inngest } from "../client";
import { profileSyncRequested } from "../events";
import { emitPassChanged, failTaskOnFailure, taskWork } from "@/inngest/task-run";
import { prismaTransaction } from "@/server/db/sql";
import { applyProfileSync, profileSyncInput } from "@/server/customers/profile-sync";
import { syncBackToMerchant } from "@/server/merchant/sync-back";
import { completeTask, runTaskOnce, startTask } from "@/server/tasks/lifecycle";
import type { QueuedTask } from "@/server/passes/events";
import { dispatchTasks } from "../dispatch";

export const profileSync = inngest.createFunction(
  {
    id: "profile-sync",
    name: "Profile sync (Klaviyo profiles/sync)",
    triggers: [profileSyncRequested],
    retries: 5,
    concurrency: [{ key: "event.data.tenantId", limit: 10 }],
    onFailure: failTaskOnFailure,
  },
  async ({ event, step, attempt }) => {
    const { taskId } = event.data;
    const run = await step.run("apply-profile", () =>
      taskWork(event.data, attempt, async () => {
        const outbox: QueuedTask[] = [];
        const applied = await runTaskOnce(taskId, attempt, prismaTransaction, (tx, task) => applyProfileSync(tx, task.tenant, profileSyncInput.parse(task.input), task.id, outbox), (r) => ({ passId: r.passes[0]?.passId, customerRecordId: r.customerRecordId }));
        await dispatchTasks(outbox); // "Pass Updated" for Klaviyo, when the tenant sends to it
        if (applied.duplicate) return applied;
        await emitPassChanged(event.data, applied.value.passes);
        if (applied.value.skipped) await completeTask(taskId, applied.value);
        return applied;
      }),
    );
    if (run.duplicate || run.value.skipped) return run.duplicate ? { duplicate: true, status: run.status } : run.value;
    const applied = run.value;
    return step.run("sync-back", () =>
      taskWork(event.data, attempt, async () => {
        const task = await startTask(taskId, attempt); // counts the attempt on the task
        const syncBack = await syncBackToMerchant({ tenantId: task.tenantId, taskId, correlationId: task.correlationId, input: profileSyncInput.parse(task.input), result: applied });
        const output = { ...applied, syncBack };
        await completeTask(taskId, output);
        return output;
      }),
    );
  },
);
