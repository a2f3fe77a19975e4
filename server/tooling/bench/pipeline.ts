/**
 * `npm run bench:pipeline`: webhook-to-SUCCEEDED latency (p50/p99) and tasks completed per
 * second for 2,000 Klaviyo pushUpdate webhooks, each for its own customer, sent through the real
 * listener endpoint of `next start` and processed by the embedded executor (the default: no
 * Inngest server configured). Targets (issue 4): p50 < 500 ms, ≥ 200 tasks/s.
 *
 * Runs once per database target (BENCH_TARGETS, default `postgres,embedded`):
 * - postgres: the local PostgreSQL, a fresh database BENCH_DATABASE_URL
 *   (default postgres://postgres@127.0.0.1:5432/passflow_bench_pipeline, dropped and re-created);
 * - embedded: the embedded default's PostgreSQL (PGlite over the wire protocol), in memory.
 *
 * Webhooks are sent open-loop at BENCH_RATE per second (default 250) with at most
 * BENCH_IN_FLIGHT (64) requests outstanding; latency runs from the moment a webhook is sent to
 * its task's finishedAt. It also prints the CPU time spent per task by the app process and by the
 * whole machine (Linux /proc), which bound the throughput this machine can reach. Other knobs: BENCH_TASKS (2000), PASSFLOW_EXECUTOR_CONCURRENCY, BENCH_KEEP_BUILD,
 * BENCH_CPU_PROF (a folder: the app writes a V8 CPU profile there when it stops), BENCH_WORKERS
 * (app processes, e.g. `1,2`: one run per count and target, as `npm start` with PASSFLOW_WORKERS;
 * default 1; the embedded target runs one process only, as server/start.ts allows).
 * Builds the app (`next build`) when there is no build yet.
 */
import { cpus, loadavg } from "node:os";
import { randomBytes } from "node:crypto";
import { freshDatabase } from "./fresh-database";
import { ensureProductionBuild, machineBusyMs, percentile, pushUpdateSender, seedWebhookTenant, sendOpenLoop, taskLatencies, waitForTasks } from "./load";
import { benchWorkers, cpuByPid, cpuSince } from "./processes";

const TARGETS = (process.env.BENCH_TARGETS ?? "postgres,embedded").split(",").map((t) => t.trim()).filter(Boolean);
const PG_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/passflow_bench_pipeline";
const TASKS = Number(process.env.BENCH_TASKS ?? 2000);
const RATE = Number(process.env.BENCH_RATE ?? 250);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 64);
const WARMUP = 40;

interface Result {
  target: string;
  workers: number;
  accepted: number;
  succeeded: number;
  failed: number;
  sendSeconds: number;
  p50: number;
  p99: number;
  tasksPerSecond: number;
  /** CPU time of the app's processes (all their threads) per task, ms. */
  appCpuPerTask: number;
  /** The same for the busiest app process alone (with several, the embedded executor's), ms. */
  busiestCpuPerTask: number;
  /** CPU time of the whole machine (app, PostgreSQL, this sender…) per task, ms. */
  machineCpuPerTask: number;
  /** CPU time of this process per task, ms: the webhook sender (and, on the embedded target, the database). */
  benchCpuPerTask: number;
}

async function benchTarget(target: string, workers: number): Promise<Result> {
  let databaseUrl: string;
  let stopDatabase = async () => {};
  if (target === "postgres") {
    databaseUrl = await freshDatabase(PG_URL);
  } else if (target === "embedded") {
    const { startEmbeddedPostgres } = await import("@/server/db/embedded");
    const embedded = await startEmbeddedPostgres({ dataDir: "memory://" });
    databaseUrl = embedded.url;
    stopDatabase = () => embedded.stop();
  } else {
    throw new Error(`unknown target ${target} (postgres or embedded)`);
  }
  process.env.DATABASE_URL = databaseUrl;
  const { migrateDeploy } = await import("@/server/db/migrate");
  await migrateDeploy(databaseUrl);
  const { closeDb } = await import("@/server/db/client");
  const { startApp } = await import("@/server/tooling/testing/app");
  const { slug, apiKey } = await seedWebhookTenant(TASKS + WARMUP);
  const app = await startApp({
    workers,
    env: { NODE_ENV: "production", PUBLIC_URL: "https://passflow.bench.invalid", DATABASE_URL: databaseUrl, NEXTAUTH_SECRET: randomBytes(24).toString("base64url"), LOG_LEVEL: "warn" },
    nodeArgs: process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [],
  });
  const send = pushUpdateSender(app.url, slug, apiKey);
  try {
    // warm-up: compile nothing (production build) but open pools, sync functions, fill caches
    const warm = await Promise.all(Array.from({ length: WARMUP }, (_, i) => send(TASKS + i)));
    await waitForTasks(warm, 120_000);

    const appCpu0 = cpuByPid(app.pids());
    const machine0 = machineBusyMs();
    const bench0 = process.cpuUsage();
    const started = Date.now();
    const sent = await sendOpenLoop({ send, count: TASKS, rate: RATE, inFlight: IN_FLIGHT });
    const ids = [...sent.sentAt.keys()];
    await waitForTasks(ids, 600_000);
    const appCpu = cpuSince(appCpu0);
    const machineCpu = machineBusyMs() - machine0;
    const benchUsage = process.cpuUsage(bench0);
    const { succeeded, failed, latencies, lastFinish } = await taskLatencies(sent.sentAt);
    if (sent.errors) console.warn(`${sent.errors} webhook(s) were not accepted`);
    return {
      target,
      workers,
      accepted: ids.length,
      succeeded,
      failed,
      sendSeconds: sent.seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      tasksPerSecond: succeeded / ((lastFinish - started) / 1000),
      appCpuPerTask: appCpu.total / succeeded,
      busiestCpuPerTask: appCpu.busiest / succeeded,
      machineCpuPerTask: machineCpu / succeeded,
      benchCpuPerTask: (benchUsage.user + benchUsage.system) / 1000 / succeeded,
    };
  } finally {
    await app.stop();
    await closeDb();
    await stopDatabase();
  }
}

async function main() {
  process.env.PASSFLOW_ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  process.env.PASSFLOW_TEST_SERVER = "start";
  ensureProductionBuild();
  const results: Result[] = [];
  for (const target of TARGETS) {
    for (const workers of benchWorkers()) {
      if (target === "embedded" && workers > 1) {
        console.log(`\n${target} ×${workers}: skipped (the embedded PostgreSQL serves one process: server/start.ts refuses PASSFLOW_WORKERS > 1 there)`);
        continue;
      }
      console.log(`\n${target} ×${workers}: seeding ${TASKS + WARMUP} passes, sending ${TASKS} pushUpdate webhooks at ${RATE}/s…`);
      const r = await benchTarget(target, workers);
      results.push(r);
      console.log(
        `${label(r)} accepted ${r.accepted} in ${r.sendSeconds.toFixed(1)} s; SUCCEEDED ${r.succeeded}, FAILED ${r.failed}; ` +
          `webhook→SUCCEEDED p50 ${r.p50} ms, p99 ${r.p99} ms; ${r.tasksPerSecond.toFixed(0)} tasks/s; ` +
          `CPU per task: app ${r.appCpuPerTask.toFixed(1)} ms, machine ${r.machineCpuPerTask.toFixed(1)} ms`,
      );
    }
  }
  console.log(`\npipeline benchmark (${TASKS} pushUpdate webhooks, open loop at ${RATE}/s, embedded executor, npm start with ×N processes); load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  for (const r of results) {
    console.log(`${label(r)} p50 ${String(r.p50).padStart(6)} ms   p99 ${String(r.p99).padStart(6)} ms   ${r.tasksPerSecond.toFixed(0).padStart(4)} tasks/s   (${r.succeeded}/${r.accepted} SUCCEEDED)`);
  }
  console.log("targets: p50 < 500 ms, ≥ 200 tasks/s");
  const cores = cpus().length;
  for (const r of results) {
    // an app process's JavaScript runs on one thread, so the busiest one's CPU per task bounds it at ~1000 / that per second
    console.log(
      `${label(r)} CPU per task: app ${r.appCpuPerTask.toFixed(1)} ms` +
        (r.workers > 1 ? `, of which its busiest process (the executor's) ${r.busiestCpuPerTask.toFixed(1)} ms` : "") +
        ` (one JS thread: ≤ ~${(1000 / r.busiestCpuPerTask).toFixed(0)} tasks/s), ` +
        `whole machine ${r.machineCpuPerTask.toFixed(1)} ms (${cores} cores: ≤ ~${((cores * 1000) / r.machineCpuPerTask).toFixed(0)} tasks/s), ` +
        `of which this benchmark process ${r.benchCpuPerTask.toFixed(1)} ms (the sender${r.target === "embedded" ? " and the embedded database" : ""})`,
    );
  }
}

const label = (r: Result) => `${r.target} ×${r.workers}`.padEnd(12);

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`bench:pipeline failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
