/**
 * Starting the embedded executor and finding it again.
 *
 * Placement: the executor runs inside the Next.js server process, started from
 * `instrumentation.ts` → `server/startup.ts` when no Inngest server is configured. `npm run dev`,
 * `npm start` and the test app therefore get it with no extra process, and it reaches the
 * functions the same way Inngest would: with signed requests to the app's own `/api/inngest`,
 * handed to the route's handler in-process once it has loaded (./in-process.ts). The running
 * instance is kept in ./registry.ts, where the event intake finds it.
 *
 * Every app process starts one; the one holding the database's lock runs the functions, the
 * others store their events for it and take over when it stops (./executor.ts).
 */
import { env } from "@/server/platform/env";
import { logger } from "@/server/platform/log";
import { embeddedInngest } from "../connection";
import { EmbeddedExecutor } from "./executor";
import { serveFetch } from "./in-process";
import { runningExecutor, setRunningExecutor } from "./registry";

/**
 * Starts the executor in this process when no Inngest server is configured (once). `onReady`
 * runs each time this process takes the lock, after unfinished runs are resumed (recovery of
 * QUEUED tasks).
 */
export function startEmbeddedExecutor(onReady?: () => Promise<void>): EmbeddedExecutor | undefined {
  const embedded = embeddedInngest();
  const databaseUrl = process.env.DATABASE_URL;
  const running = runningExecutor();
  if (!embedded || !databaseUrl || running) return running as EmbeddedExecutor | undefined;
  const executor = new EmbeddedExecutor({
    serveUrl: embedded.serveUrl,
    // a production server loads its routes at start: wait for ours, so calls stay in this process
    transport: serveFetch(embedded.serveUrl, { waitForHandlerMs: env.NODE_ENV === "production" ? 15_000 : 0 }),
    signingKey: embedded.signingKey,
    eventKey: embedded.eventKey,
    databaseUrl,
    concurrency: env.PASSFLOW_EXECUTOR_CONCURRENCY,
    retryBaseMs: env.PASSFLOW_EXECUTOR_RETRY_BASE_MS,
    onReady,
  });
  setRunningExecutor(executor);
  executor.start().then(
    (started) => {
      if (!started && runningExecutor() === executor) setRunningExecutor(undefined);
    },
    (err: Error) => {
      logger.error({ err: err.message }, "embedded executor failed to start");
      if (runningExecutor() === executor) setRunningExecutor(undefined);
    },
  );
  return executor;
}

export type { EmbeddedExecutor };
