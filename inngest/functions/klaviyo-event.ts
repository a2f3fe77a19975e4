/**
 * klaviyo-event: sends one pass event to Klaviyo as an event of its metric (SyncTask
 * KLAVIYO_EVENT, queued with the PassEvent by server/passes/events.ts; what is sent:
 * server/klaviyo/outbound.ts sendKlaviyoEvent).
 *
 * No step: the POST is the function's only effect, and its `unique_id` is the PassEvent id, so a
 * run repeated after a lost answer or a crash is dropped by Klaviyo rather than counted twice; a
 * task already SUCCEEDED or FAILED is a duplicate run and sends nothing.
 *
 * Failures: Klaviyo's 429 (and Passflow's own count of its limits) is retried after Retry-After;
 * 408, 5xx and network errors with back-off, up to 8 times, then onFailure marks the task FAILED
 * (klaviyo_unavailable / klaviyo_throttled). A rejected key (401/403: klaviyo_key_rejected), no key
 * (klaviyo_not_configured) and any other 4xx (klaviyo_rejected, with Klaviyo's error detail) are
 * final at once; replay the task once the key or the cause is fixed.
 *
 * Concurrency: at most 10 runs per tenant (one Klaviyo account each).
 */
import { inngest } from "../client";
import { klaviyoEventRequested } from "../events";
import { failTaskOnFailure, taskWork } from "@/inngest/task-run";
import { klaviyoOutboundInput, sendKlaviyoEvent } from "@/server/klaviyo/outbound";
import { completeTask, isTerminal, startTask } from "@/server/tasks/lifecycle";

export const klaviyoEvent = inngest.createFunction(
  {
    id: "klaviyo-event",
    name: "Klaviyo event (pass lifecycle metric)",
    triggers: [klaviyoEventRequested],
    retries: 8,
    concurrency: [{ key: "event.data.tenantId", limit: 10 }],
    onFailure: failTaskOnFailure,
  },
  async ({ event, attempt }) =>
    taskWork(event.data, attempt, async () => {
      const task = await startTask(event.data.taskId, attempt);
      if (isTerminal(task)) return { duplicate: true as const, status: task.status };
      const output = await sendKlaviyoEvent(klaviyoOutboundInput.parse(task.input));
      await completeTask(task.id, output);
      return output;
    }),
);
