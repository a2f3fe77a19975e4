/**
 * `npm start`: the production server, one Next.js process per core on one port.
 *
 * PASSFLOW_WORKERS processes (server/platform/workers.ts: default one per core, as `npm start`
 * runs with NODE_ENV=production) each run `next start` with this script's arguments
 * (`npm start -- --port 8080`):
 *
 * - 1: `next start` as a child process, exactly as `npm start` ran before (its output, its exit code).
 * - n > 1: Node's cluster module forks n workers; the primary (this process) holds the port and
 *   hands each new connection to the next worker (round-robin; NODE_CLUSTER_SCHED_POLICY=none
 *   lets the kernel choose). Every worker serves everything: webhooks, the PassKit web service,
 *   the console. With the embedded executor one of them runs the functions and the others hand
 *   it their events (inngest/executor/executor.ts). A worker that dies after it listened is
 *   replaced; one that dies before stops them all, and this process exits with its code.
 *   SIGTERM / SIGINT go to every worker (Next.js finishes the requests in flight); this process
 *   exits once they have. Each worker gets PASSFLOW_WORKERS=n, so throttling counts in PostgreSQL
 *   unless THROTTLE_STORE says otherwise (server/platform/rate-limit.ts).
 *
 * n > 1 is refused on the embedded PostgreSQL (PGlite): it runs one session for every connection,
 * so the processes could not tell their executor locks apart (unset, 1 process runs there).
 *
 * The `.env` files are read the way `next start` reads them (@next/env), so PASSFLOW_WORKERS and
 * DATABASE_URL there count here too; configuration is validated before anything starts.
 */
import cluster, { type Worker } from "node:cluster";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { loadEnvConfig } from "@next/env";

/** A replaced worker is started after this pause, so a worker dying at once does not spin. */
const RESTART_DELAY_MS = 1000;

const nextBin = createRequire(__filename).resolve("next/dist/bin/next");
const args = ["start", ...process.argv.slice(2)];
/**
 * Node's own flags given to this script (`node --cpu-prof --import tsx server/start.ts`) go on to
 * every app process, without the module loaders that run this script itself.
 */
const nodeArgs = process.execArgv.filter((arg, i, all) => !/^--(import|require|loader|experimental-loader)(=|$)/.test(arg) && !/^--(import|require|loader|experimental-loader)$/.test(all[i - 1] ?? ""));

function fail(message: string): never {
  console.error(`passflow: ${message}`);
  process.exit(1);
}

/** `next start` in a child process: its output, signals passed on, its exit code. */
function single(): void {
  const child = spawn(process.execPath, [...nodeArgs, nextBin, ...args], { stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal === "SIGINT" ? 130 : 143)));
}

async function primary(workers: number): Promise<void> {
  const { logger } = await import("@/server/platform/log");
  const log = logger.child({ component: "cluster" });
  cluster.setupPrimary({ exec: nextBin, args, execArgv: nodeArgs }); // workers run plain node, not this script's loader
  const listened = new WeakSet<Worker>();
  let stopping: NodeJS.Signals | undefined;
  const fork = () => {
    const worker = cluster.fork({ PASSFLOW_WORKERS: String(workers) });
    worker.once("listening", () => listened.add(worker));
  };
  const stop = (signal: NodeJS.Signals, code?: number) => {
    if (stopping) return;
    stopping = signal;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    const exit = () => process.exit(code ?? (signal === "SIGINT" ? 130 : 143));
    if (Object.keys(cluster.workers ?? {}).length === 0) exit();
    else cluster.on("exit", () => Object.keys(cluster.workers ?? {}).length === 0 && exit());
  };
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) return;
    if (!listened.has(worker)) {
      log.error({ pid: worker.process.pid, code, signal }, "an app process exited before it listened; stopping");
      return stop("SIGTERM", code || 1);
    }
    log.error({ pid: worker.process.pid, code, signal }, "an app process exited; starting another");
    setTimeout(() => !stopping && fork(), RESTART_DELAY_MS);
  });
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  log.info({ workers }, "starting app processes on one port");
  for (let i = 0; i < workers; i++) fork();
}

async function main(): Promise<void> {
  (process.env as Record<string, string>).NODE_ENV ||= "production"; // as `next start` sets it
  loadEnvConfig(process.cwd(), false, { info: () => {}, error: (...m: unknown[]) => console.error(...m) });
  let env: import("@/server/platform/env").Env;
  try {
    ({ env } = await import("@/server/platform/env")); // loading it validates process.env
  } catch (err) {
    fail((err as Error).message);
  }
  const { workerCount } = await import("@/server/platform/workers");
  const workers = workerCount(env);
  if (workers > 1 && env.DATABASE_URL) {
    const { connectionsShareOneSession } = await import("@/server/db/shared-session");
    const shared = await connectionsShareOneSession(env.DATABASE_URL).catch((err: Error) => {
      console.error(`passflow: could not check DATABASE_URL (${err.message}); starting ${workers} processes`);
      return false;
    });
    if (shared && env.PASSFLOW_WORKERS) {
      fail(
        `PASSFLOW_WORKERS=${workers}: DATABASE_URL is the embedded PostgreSQL (PGlite), which runs one session for every connection, ` +
          "so several processes cannot share it; set PASSFLOW_WORKERS=1, or use a PostgreSQL server",
      );
    }
    if (shared) {
      console.error("passflow: DATABASE_URL is the embedded PostgreSQL (PGlite), which one process at a time can use: starting 1 process, not one per core");
      return single();
    }
  }
  if (workers === 1) return single();
  await primary(workers);
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
