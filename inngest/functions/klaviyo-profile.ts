/**
 * klaviyo-profile: writes a pass's links, serial number, pass type and install state onto the
 * customer's Klaviyo profile (SyncTask KLAVIYO_PROFILE, queued with the PassEvent of an issue or
 * an install state change by server/passes/events.ts; what is written: server/klaviyo/outbound.ts
 * sendKlaviyoProfile). The state is read when the task runs, so a repeat writes the same values.
 *
 * No step: the profile import is the only effect and writing the same properties twice is
 * harmless. Failures and retries as klaviyo-event (429 after Retry-After; 408/5xx/network with
 * back-off, 8 times; 401/403 and other 4xx final). Concurrency: at most 5 runs per tenant (the
 * profile import allows 75/s per account).
 */
import { inngest } from "../client";
import { klaviyoProfileRequested } from "../events";
import { failTaskOnFailure, taskWork } from "@/inngest/task-run";
import { klaviyoOutboundInput, sendKlaviyoProfile } from "@/server/klaviyo/outbound";
import { completeTask, isTerminal, startTask } from "@/server/tasks/lifecycle";

export const klaviyoProfile = inngest.createFunction(
  {
    id: "klaviyo-profile",
    name: "Klaviyo profile properties (pass links and state)",
    triggers: [klaviyoProfileRequested],
    retries: 8,
    concurrency: [{ key: "event.data.tenantId", limit: 5 }],
    onFailure: failTaskOnFailure,
  },
  async ({ event, attempt }) =>
    taskWork(event.data, attempt, async () => {
      const task = await startTask(event.data.taskId, attempt);
      if (isTerminal(task)) return { duplicate: true as const, status: task.status };
      const output = await sendKlaviyoProfile(klaviyoOutboundInput.parse(task.input));
      await completeTask(task.id, output);
      return output;
    }),
);
