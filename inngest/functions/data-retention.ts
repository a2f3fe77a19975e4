/**
 * data-retention (hourly, at minute 17): applies every tenant's retention settings
 * (server/tasks/retention.ts): receipt bodies and headers removed after rawBodyRetentionDays,
 * receipts, tasks, pass changes and push deliveries deleted after retentionDays. One step per
 * time slice (tenants in id order, batches of 1,000 rows for up to 30 s, each committed), so a
 * retried or killed run continues where it stopped; a run that fails for good leaves its RetentionRun
 * unfinished and the next hour's run continues it. Then the registrations of passes erased more
 * than a day ago go (server/customers/erasure.ts). One run at a time.
 */
import { inngest } from "../client";
import { dropErasedPassRegistrations } from "@/server/customers/erasure";
import { finishRetentionRun, purgeTenants, startRetentionRun } from "@/server/tasks/retention";

/** How long one step purges before handing over to the next (well within a serve call's time). */
const STEP_BUDGET_MS = 30_000;

export const dataRetention = inngest.createFunction(
  {
    id: "data-retention",
    name: "Data retention",
    triggers: [{ cron: "17 * * * *" }],
    retries: 3,
    concurrency: { limit: 1 },
  },
  async ({ step }) => {
    const runId = await step.run("start-run", () => startRetentionRun());
    // one step per time slice (not per tenant: a run has a bounded number of steps), each
    // continuing from the tenant the previous one stopped at
    let from: string | null = null;
    for (let slice = 0; slice === 0 || from !== null; slice++) {
      ({ from } = await step.run(`purge-${slice}`, () => purgeTenants({ runId, from: from ?? undefined, budgetMs: STEP_BUDGET_MS })));
    }
    await step.run("erased-pass-registrations", () => dropErasedPassRegistrations());
    return step.run("finish-run", () => finishRetentionRun(runId));
  },
);
