/**
 * tasks-redispatch (every minute): re-sends the events of tasks still QUEUED after 60 s, so an
 * acknowledged webhook is always processed even when the emit after the listener's transaction
 * failed or the process died in between (server/tasks/redispatch.ts), and the events of pass
 * type publications that never started (server/passes/publish.ts) and of pass imports that never
 * started (server/passes/imports.ts). One run at a time; a failed
 * run is retried once and the next minute tries again anyway.
 */
import { inngest } from "../client";
import { redispatchImports } from "@/server/passes/imports";
import { redispatchPublications } from "@/server/passes/publish";
import { redispatchQueuedTasks } from "@/server/tasks/redispatch";

export const tasksRedispatch = inngest.createFunction(
  {
    id: "tasks-redispatch",
    name: "Re-dispatch queued tasks",
    triggers: [{ cron: "* * * * *" }],
    retries: 1,
    concurrency: { limit: 1 },
  },
  async ({ step }) => {
    const tasks = await step.run("redispatch-queued-tasks", () => redispatchQueuedTasks({ olderThanMs: 60_000 }));
    const publications = await step.run("redispatch-publications", () => redispatchPublications({ olderThanMs: 60_000 }));
    const imports = await step.run("redispatch-imports", () => redispatchImports({ olderThanMs: 60_000 }));
    return { ...tasks, publications: publications.dispatched, imports: imports.dispatched };
  },
);
