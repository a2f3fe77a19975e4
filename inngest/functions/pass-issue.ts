/**
 * pass-issue: a Klaviyo passes/issue task (SyncTask PASS_ISSUE) issues the customer's pass of the
 * pass type, or finds the live one it holds and applies `additionalData` to it as an update
 * (server/passes/passes.ts `issueOrUpdatePassIn`; never a second pass per customer and pass type).
 *
 * No step, like pass-update: in one transaction the body marks the task RUNNING, issues or
 * updates and stores the result on the task (runTaskOnce: a retry finds it and never issues or
 * changes twice); then it sends `pass.changed` when a found pass changed (the event id names the
 * version), makes the pass's links (server/wallet/links.ts `passLinks`: the Add to Wallet page
 * and the .pkpass, valid the tenant's passLinkTtlDays) and marks the task SUCCEEDED with
 * `{ created, changed, passId, serialNumber, passType, versionTag, changedKeys, links }`. The
 * ISSUED pass event is written with the pass; writing the links onto the Klaviyo profile follows
 * from it elsewhere.
 *
 * Failures: domain errors are final (NonRetriableError); anything else is retried 3 times with
 * back-off, then onFailure marks the task FAILED (replayable from the console or the CLI).
 * Concurrency: at most 25 runs per tenant; two issues for one customer and pass type take turns
 * on an advisory lock.
 */
import { inngest } from "../client";
import { passIssueRequested } from "../events";
import { emitPassChanged, failTaskOnFailure, taskWork } from "@/inngest/task-run";
import { prismaTransaction } from "@/server/db/sql";
import { issueOrUpdateInput, issueOrUpdatePassIn } from "@/server/passes/passes";
import { passLinks } from "@/server/wallet/links";
import { googleSaveUrl } from "@/server/wallet/google/objects";
import { completeTask, runTaskOnce } from "@/server/tasks/lifecycle";
import type { QueuedTask } from "@/server/passes/events";
import { dispatchTasks } from "../dispatch";

export const passIssue = inngest.createFunction(
  {
    id: "pass-issue",
    name: "Pass issue (Klaviyo passes/issue)",
    triggers: [passIssueRequested],
    retries: 3,
    concurrency: [{ key: "event.data.tenantId", limit: 25 }],
    onFailure: failTaskOnFailure,
  },
  async ({ event, attempt }) =>
    taskWork(event.data, attempt, async () => {
      const outbox: QueuedTask[] = [];
      const run = await runTaskOnce(
        event.data.taskId,
        attempt,
        prismaTransaction,
        async (tx, task) => {
          // the tenant is read in the transaction: on the embedded PGlite (one session) a read on another connection would wait for it
          const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: task.tenantId } });
          const { changes, ...result } = await issueOrUpdatePassIn(tx, tenant, issueOrUpdateInput.parse(task.input), task.id, { outbox });
          return { ...result, changedKeys: Object.keys(changes) };
        },
        (r) => ({ passId: r.passId, customerRecordId: r.customerRecordId }),
      );
      await dispatchTasks(outbox); // the Klaviyo tasks of its pass events (Pass Issued, profile links)
      if (run.duplicate) return { duplicate: true as const, status: run.status };
      const { created, changed, passId, serialNumber, passType, versionTag, changedKeys, googleObject } = run.value;
      if (changed) await emitPassChanged(event.data, [{ passId, versionTag, googleObject }]);
      const [apple, googleSave] = await Promise.all([passLinks({ tenant: event.data.tenantId, serialNumber }), googleSaveUrl(event.data.tenantId, serialNumber)]);
      const links = { ...apple, googleSave };
      const output = { created, changed, passId, serialNumber, passType, versionTag, changedKeys, links };
      await completeTask(event.data.taskId, output);
      return output;
    }),
);
