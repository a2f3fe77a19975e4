/**
 * profile-sync: a Klaviyo profile change (SyncTask PROFILE_SYNC) updates the customer and the
 * passes that show the changed values, then syncs the change back to the merchant's system.
 *
 * Steps: `apply-profile` (server/customers/profile-sync.ts; a profile with no customer ends
 * SUCCEEDED `{ skipped: "customer_not_found" }`) → `emit-pass-changed` (one event per changed
 * pass) → `sync-back` (server/merchant/sync-back.ts: Standard Webhooks signed POST, skipped when
 * the tenant has no merchant system or the change came from it) → `complete-task`.
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
import { passChanged, profileSyncRequested } from "../events";
import { failTaskOnFailure, taskWork } from "../task-step";
import { runProfileSyncTask, syncBackTask } from "@/server/tasks/profile-sync";
import { completeTask } from "@/server/tasks/lifecycle";

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
    const { taskId, tenantId, correlationId } = event.data;
    const task = { taskId, correlationId };
    const run = await step.run("apply-profile", () => taskWork(task, () => runProfileSyncTask(taskId, attempt)));
    if (run.duplicate) return { duplicate: true, status: run.status };
    const applied = run.value;
    if (applied.skipped) {
      await step.run("complete-task", () => taskWork(task, () => completeTask(taskId, applied)));
      return applied;
    }
    if (applied.passes.length) {
      await step.sendEvent(
        "emit-pass-changed",
        applied.passes.map((p) =>
          passChanged.create({ passId: p.passId, tenantId, versionTag: p.versionTag, taskId, correlationId }, { id: `pass-changed-${p.passId}-${p.versionTag}` }),
        ),
      );
    }
    const syncBack = await step.run("sync-back", () => taskWork(task, () => syncBackTask(taskId, attempt, applied)));
    const output = { ...applied, syncBack };
    await step.run("complete-task", () => taskWork(task, () => completeTask(taskId, output)));
    return output;
  },
);
