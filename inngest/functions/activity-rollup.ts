/**
 * activity-rollup (every 10 minutes): counts every tenant's closed hours into the overview's
 * hourly counts (server/tasks/activity.ts). One step per time slice (tenants in id order), so a
 * retried run continues where it stopped; a span already counted is never counted again (the
 * watermark moves in the transaction that adds the counts). One run at a time.
 */
import { inngest } from "../client";
import { rollUpTenants } from "@/server/tasks/activity";

/** How long one step rolls up before handing over to the next. */
const STEP_BUDGET_MS = 30_000;

export const activityRollup = inngest.createFunction(
  {
    id: "activity-rollup",
    name: "Activity rollup",
    triggers: [{ cron: "*/10 * * * *" }],
    retries: 3,
    concurrency: { limit: 1 },
  },
  async ({ step }) => {
    let from: string | null = null;
    let slices = 0;
    for (; slices === 0 || from !== null; slices++) {
      ({ from } = await step.run(`roll-up-${slices}`, () => rollUpTenants({ from: from ?? undefined, budgetMs: STEP_BUDGET_MS })));
    }
    return { slices };
  },
);
