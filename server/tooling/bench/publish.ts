/**
 * `npm run bench:publish`: one pass type revision published to BENCH_PASSES (default 100,000)
 * live passes with one registered device each, on a fresh local PostgreSQL database
 * (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/passflow_bench_publish, dropped
 * and re-created; holders written in bulk SQL), pushed to the local APNs mock running in its own
 * process, by `next start` with the embedded executor (the pass-type-publish function).
 *
 * Prints: time to every version bumped (the record's `done` = total), time to every push
 * accepted (the mock answered 200 to as many pushes as there are passes), pushes/s, the app
 * process's peak memory (VmHWM of /proc/<pid>/status) next to its resident memory before the
 * publish and at each quarter (flat: no per-pass arrays are held), the CPU time of the app, and
 * the load average (the machine is shared). Target (issue 14): every push accepted within 120 s
 * on this 2-core machine. The tenant's publishPushesPerSecond is BENCH_PUSH_RATE (default: the
 * tenant default, 2,000/s). BENCH_CPU_PROF (a folder): the app writes a V8 CPU profile there when
 * it stops. BENCH_MAX_OLD_SPACE_MB caps the app's V8 heap (a publication holding per-pass state
 * would run out of memory; one that does not finishes the same). Builds the app (`next build`) when there is no build yet.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { freshDatabase } from "./fresh-database";
import { ensureProductionBuild } from "./load";
import { processCpuMs } from "./processes";

const PASSES = Number(process.env.BENCH_PASSES ?? 100_000);
const PG_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/passflow_bench_publish";
const PUSH_RATE = process.env.BENCH_PUSH_RATE ? Number(process.env.BENCH_PUSH_RATE) : undefined;
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 900_000);
const HEAP_MB = process.env.BENCH_MAX_OLD_SPACE_MB ? Number(process.env.BENCH_MAX_OLD_SPACE_MB) : undefined;

/** kB values of /proc/<pid>/status (VmHWM: peak resident set; VmRSS: now). */
function memoryKb(pid: number): { hwm: number; rss: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
    return { hwm: kb("VmHWM"), rss: kb("VmRSS") };
  } catch {
    return { hwm: NaN, rss: NaN };
  }
}

const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const load = () => loadavg().map((l) => l.toFixed(1)).join(" ");

async function main() {
  const dataDir = mkdtempSync(path.join(tmpdir(), "passflow-bench-publish-"));
  process.env.PASSFLOW_DATA_DIR = dataDir;
  process.env.PASSFLOW_ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  process.env.LOG_LEVEL ??= "warn";
  process.env.PASSFLOW_TEST_SERVER = "start";
  ensureProductionBuild();
  const databaseUrl = await freshDatabase(PG_URL);
  process.env.DATABASE_URL = databaseUrl;
  const { freePort, startApp } = await import("@/server/tooling/testing/app");
  // the app's port before the modules that send events are loaded (they send to 127.0.0.1:$PORT)
  const port = await freePort();
  process.env.PORT = String(port);
  const { migrateDeploy } = await import("@/server/db/migrate");
  await migrateDeploy(databaseUrl);
  const { closeDb, db } = await import("@/server/db/client");
  const { createTenant, updateTenantSettings } = await import("@/server/tenants/tenants");
  const { seedHolders } = await import("@/server/tooling/testing/holders");
  const { savePassTypeRevision, showPassType, publishPassTypeRevision } = await import("@/server/passes/revisions");
  const { getPublish } = await import("@/server/passes/publish");
  const { apnsMockControl } = await import("@/server/tooling/mocks/apns");

  console.log(`seeding ${PASSES.toLocaleString("en-US")} holders (pass + registered device each) in bulk SQL…`);
  const seedStart = Date.now();
  const tenant = await createTenant({ slug: `bench-publish-${Date.now().toString(36)}`, name: "Bench Publish", actor: "bench" });
  if (PUSH_RATE) await updateTenantSettings(tenant.id, { publishPushesPerSecond: PUSH_RATE }, "bench");
  await seedHolders({ tenantId: tenant.id, passTypeKey: "basic", count: PASSES, devices: true, prefix: "bench" });
  await db().$executeRawUnsafe(`VACUUM (ANALYZE) "Pass", "Registration", "Device", "Customer"`);
  console.log(`seeded in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);

  const mockProcess = spawn(process.execPath, [path.resolve("node_modules/tsx/dist/cli.mjs"), path.resolve("server/tooling/bench/apns-mock-process.ts")], { stdio: ["pipe", "pipe", "inherit"] });
  const first = await new Promise<string>((resolve) => createInterface({ input: mockProcess.stdout! }).once("line", resolve));
  const mock = JSON.parse(first) as { host: string; port: number; caPem: string; controlUrl: string };
  const control = apnsMockControl(mock.controlUrl);
  const caFile = path.join(dataDir, "apns-mock-ca.pem");
  writeFileSync(caFile, mock.caPem);

  const app = await startApp({
    port,
    env: {
      NODE_ENV: "production",
      PUBLIC_URL: "https://passflow.bench.invalid",
      DATABASE_URL: databaseUrl,
      PASSFLOW_DATA_DIR: dataDir,
      NEXTAUTH_SECRET: randomBytes(24).toString("base64url"),
      LOG_LEVEL: "warn",
      APNS_HOST: mock.host,
      APNS_PORT: String(mock.port),
      APNS_CA_FILE: caFile,
      PASSFLOW_DEV_CERTIFICATES: "true",
    },
    nodeArgs: [
      ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      ...(HEAP_MB ? [`--max-old-space-size=${HEAP_MB}`] : []),
    ],
  });
  const pid = app.child.pid!;
  try {
    const current = await showPassType(tenant.id, "basic");
    await savePassTypeRevision({ tenant: tenant.id, key: "basic", definition: { ...current.definition, backgroundColor: "rgb(0, 90, 40)" }, actor: "bench" });
    await control.reset();
    const memBefore = memoryKb(pid);
    const loadBefore = load();
    const cpu0 = processCpuMs(pid);
    const started = Date.now();
    const { publish } = await publishPassTypeRevision({ tenant: tenant.id, key: "basic", actor: "bench", message: "bench" });
    const total = publish!.total;
    let bumpedMs: number | undefined;
    let acceptedMs: number | undefined;
    let firstPushMs: number | undefined;
    const quarters: string[] = [];
    let nextQuarter = 0.25;
    let peakRss = memBefore.rss;
    while (Date.now() - started < TIMEOUT_MS) {
      const [p, stats] = await Promise.all([getPublish(publish!.id), control.stats()]);
      const accepted = stats.byStatus["200"] ?? 0;
      const now = Date.now() - started;
      const mem = memoryKb(pid);
      peakRss = Math.max(peakRss, mem.rss);
      if (firstPushMs === undefined && accepted > 0) firstPushMs = now;
      while (nextQuarter <= 1 && p!.done >= total * nextQuarter) {
        quarters.push(`${nextQuarter * 100} %: ${mb(mem.rss)}`);
        nextQuarter += 0.25;
      }
      if (bumpedMs === undefined && p!.done >= total) bumpedMs = now;
      if (acceptedMs === undefined && accepted >= total) acceptedMs = now;
      if (p!.status !== "RUNNING" && acceptedMs !== undefined) break;
      if (p!.status === "FAILED") throw new Error(`publication failed: ${p!.lastError}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const cpu = processCpuMs(pid) - cpu0;
    // where the walk's time went: the phases each slice step reported (memoized in ExecutorRun)
    const [run] = await db().$queryRaw<{ steps: Record<string, { data?: { ms?: { bump: number; push: number; record: number } } }> }[]>`
      SELECT steps FROM "ExecutorRun" WHERE "eventId" = ${`publish-${publish!.id}`}`;
    const phases = { bump: 0, push: 0, record: 0 };
    for (const step of Object.values(run?.steps ?? {})) for (const k of ["bump", "push", "record"] as const) phases[k] += step.data?.ms?.[k] ?? 0;
    const final = (await getPublish(publish!.id))!;
    const stats = await control.stats();
    const mem = memoryKb(pid);
    const s = (ms: number | undefined) => (ms === undefined ? "not reached" : `${(ms / 1000).toFixed(1)} s`);
    const pushWindow = acceptedMs !== undefined && firstPushMs !== undefined ? acceptedMs - firstPushMs : undefined;
    const lines = [
      `publish benchmark: ${total.toLocaleString("en-US")} live passes, one device each; next start, embedded executor, local PostgreSQL, APNs mock in its own process; ${cpus().length} cores`,
      `load average before ${loadBefore}, after ${load()}`,
      `time to all versions bumped:  ${s(bumpedMs)}`,
      `time to all pushes accepted:  ${s(acceptedMs)}   (target ≤ 120 s)`,
      `pushes/s:                     ${acceptedMs ? ((total / acceptedMs) * 1000).toFixed(0) : "-"} overall, ${pushWindow ? ((total / pushWindow) * 1000).toFixed(0) : "-"} from the first push (tenant rate ${PUSH_RATE ?? 2000}/s)`,
      `app memory:                   peak ${mb(mem.hwm)} (VmHWM), resident before ${mb(memBefore.rss)}, at ${quarters.join(", ")}; highest sampled ${mb(peakRss)}`,
      `app heap cap:                 ${HEAP_MB ? `--max-old-space-size=${HEAP_MB}` : "none (V8 default)"}`,
      `walk phases (wall):           bump ${(phases.bump / 1000).toFixed(1)} s, push ${(phases.push / 1000).toFixed(1)} s, record ${(phases.record / 1000).toFixed(1)} s`,
      `app CPU:                      ${(cpu / 1000).toFixed(1)} s (${((cpu / total) * 1000).toFixed(0)} µs per pass)`,
      `record:                       ${final.status}, done ${final.done}/${final.total}, pushes sent ${final.pushesSent}, failed ${final.pushesFailed}; mock: ${stats.received} received, ${stats.byStatus["200"] ?? 0} accepted`,
    ];
    console.log(`\n${lines.join("\n")}`);
  } finally {
    await app.stop();
    mockProcess.stdin!.end();
    await closeDb();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`bench failed: ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  },
);
