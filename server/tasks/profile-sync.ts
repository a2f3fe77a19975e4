/**
 * The work of one PROFILE_SYNC task, in two steps of the profile-sync Inngest function: apply the
 * profile change (customer and passes, once: see runTaskOnce), then sync it back to the merchant
 * system (retried on its own, so a merchant outage never re-applies the change).
 */
import { applyProfileSync, type ProfileSyncResult } from "../customers/profile-sync";
import { syncBackToMerchant, type SyncBackResult } from "../merchant/sync-back";
import { prismaTransaction } from "../db/sql";
import { profileSyncInput } from "./inputs";
import { runTaskOnce, startTask, type TaskRunResult } from "./lifecycle";

/**
 * Marks the task RUNNING and applies the profile change (server/customers/profile-sync.ts).
 * @throws DomainError (final) or any other error (retried)
 */
export function runProfileSyncTask(taskId: string, attempt: number): Promise<TaskRunResult<ProfileSyncResult>> {
  return runTaskOnce(taskId, attempt, prismaTransaction, (tx, task) => applyProfileSync(tx, task.tenant, profileSyncInput.parse(task.input), task.id), (r) => r.passes[0]?.passId ?? null);
}

/**
 * Sends the applied change to the merchant system (attempt counted on the task).
 * @throws RetriableTaskError / FinalTaskError, see server/merchant/sync-back.ts
 */
export async function syncBackTask(taskId: string, attempt: number, result: ProfileSyncResult): Promise<SyncBackResult> {
  const task = await startTask(taskId, attempt);
  return syncBackToMerchant({ tenantId: task.tenantId, taskId, correlationId: task.correlationId, input: profileSyncInput.parse(task.input), result });
}
