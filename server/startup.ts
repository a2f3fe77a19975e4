/**
 * Runs once when the Next.js server starts (from instrumentation.ts): invalid configuration
 * prints one line naming the variable and stops the process before it serves anything.
 * `process.env` becomes a plain object first
 * (server/process-env.ts: the Inngest SDK reads it whole on every call).
 *
 * Nothing that reads the configuration is imported before it has been checked: `env.ts`
 * validates when it is first loaded, and a failure while loading a module would reach Next.js,
 * which prints it with a stack trace instead of the one line.
 *
 * With no Inngest server configured it also starts the embedded executor in this process
 * (inngest/executor/index.ts explains the placement); once it has resumed the runs a previous
 * process left unfinished, every task still QUEUED is dispatched again (the process may have
 * died between a webhook's commit and its emit).
 */
import { detachProcessEnv } from "./platform/process-env";

export async function startServer(): Promise<void> {
  detachProcessEnv();
  try {
    const { parseEnv } = await import("./platform/env"); // loading it validates process.env once
    parseEnv();
  } catch (err) {
    console.error(`passflow: ${(err as Error).message}`);
    process.exit(1);
  }

  void Promise.all([import("../inngest/executor"), import("./tasks/redispatch")]).then(([{ startEmbeddedExecutor }, { redispatchQueuedTasks }]) => {
    startEmbeddedExecutor(async () => {
      await redispatchQueuedTasks({ olderThanMs: 0 });
    });
  });
}
