/**
 * Starting the embedded executor and finding it again.
 *
 * Placement: the executor runs inside the Next.js server process, started from
 * `instrumentation.ts` → `server/startup.ts` when no Inngest server is configured. `npm run dev`,
 * `npm start` and the test app therefore get it with no extra process, and it reaches the
 * functions the same way Inngest would: with signed requests to the app's own `/api/inngest`,
 * handed to the route's handler in-process once it has loaded (./in-process.ts). Route handlers
 * and the instrumentation hook may be bundled apart, so the running instance is kept on
 * `globalThis` (the event intake route finds it there).
 */
import { env } from "@/server/platform/env";
import { logger } from "@/server/platform/log";
import { embeddedInngest } from "../connection";
import { EmbeddedExecutor } from "./executor";
import { serveFetch } from "./in-process";

const KEY = Symbol.for("passflow.embeddedExecutor");
const registry = globalThis as unknown as { [KEY]?: EmbeddedExecutor };

/** The executor running in this process, if any. */
export function runningExecutor(): EmbeddedExecutor | undefined {
  return registry[KEY];
}

/**
 * Starts the executor in this process when no Inngest server is configured (once). `onReady`
 * runs after unfinished runs are resumed (start-up recovery of QUEUED tasks).
 */
export function startEmbeddedExecutor(onReady?: () => Promise<void>): EmbeddedExecutor | undefined {
  const embedded = embeddedInngest();
  const databaseUrl = process.env.DATABASE_URL;
  if (!embedded || !databaseUrl || registry[KEY]) return registry[KEY];
  const executor = new EmbeddedExecutor({
    serveUrl: embedded.serveUrl,
    transport: serveFetch(embedded.serveUrl),
    signingKey: embedded.signingKey,
    eventKey: embedded.eventKey,
    databaseUrl,
    concurrency: env.PASSFLOW_EXECUTOR_CONCURRENCY,
    retryBaseMs: env.PASSFLOW_EXECUTOR_RETRY_BASE_MS,
    onReady,
  });
  registry[KEY] = executor;
  executor.start().then(
    (started) => {
      if (!started && registry[KEY] === executor) registry[KEY] = undefined;
    },
    (err: Error) => {
      logger.error({ err: err.message }, "embedded executor failed to start");
      if (registry[KEY] === executor) registry[KEY] = undefined;
    },
  );
  return executor;
}

export type { EmbeddedExecutor };
