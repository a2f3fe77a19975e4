/**
 * pass-update: a Klaviyo pushUpdate task (SyncTask PASS_UPDATE) changes its pass.
 *
 * No step: in one transaction the body marks the task RUNNING, resolves the customer and pass,
 * applies the values, bumps the version tag, writes the PassChange and ends the task SUCCEEDED
 * with `{ changed, passId, serialNumber, versionTag, changedKeys, googleObject }`
 * (server/passes/update.ts); then it sends `pass.changed` (and the Google Wallet sync) when
 * something changed. A retry, even of a run that ended the task and died before sending, finds the
 * stored result (the pass never changes twice) and sends the events again under the same ids,
 * which name the pass version; so a step would memoize nothing a retry needs, and each serve call
 * costs CPU (README, Throughput).
 *
 * Failures: domain errors are final (NonRetriableError); anything else (database trouble) is
 * retried 3 times with back-off, then onFailure marks the task FAILED. Concurrency: at most 25
 * runs per tenant; two updates of one pass serialize on the pass's row lock.
 */
import { inngest } from "../client";
import { passUpdateRequested } from "../events";
import { emitPassChanged, failTaskOnFailure, taskWork } from "@/inngest/task-run";
import { pgTransaction } from "@/server/db/sql";
import { applyPassUpdate, passUpdateInput } from "@/server/passes/update";
import { runTaskOnce } from "@/server/tasks/lifecycle";
import type { QueuedTask } from "@/server/passes/events";
import { dispatchTasks } from "../dispatch";

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
      const outbox: QueuedTask[] = [];
      const run = await runTaskOnce(
        event.data.taskId,
        attempt,
        pgTransaction,
        async (sql, task) => {
          const { changed, passId, customerRecordId, serialNumber, versionTag, changedKeys, googleObject } = await applyPassUpdate(sql, task.tenant, passUpdateInput.parse(task.input), task.id, { outbox });
          // the PassChange row holds the before and after; the task keeps the keys
          return { changed, passId, customerRecordId, serialNumber, versionTag, changedKeys, googleObject };
        },
        (r) => ({ passId: r.passId, customerRecordId: r.customerRecordId }),
        { complete: true },
      );
      await dispatchTasks(outbox); // "Pass Updated" for Klaviyo, when the tenant sends to it
      const output = run.duplicate ? run.output : run.value;
      if (output?.changed) await emitPassChanged(event.data, [output]);
      return run.duplicate ? { duplicate: true as const, status: run.status } : output;
    }),
);
