/**
 * `npm run bench:ingest`: accepted pushUpdate webhooks per second and latency p50/p99 at a fixed
 * concurrency, against `next start` on a real PostgreSQL, next to two baselines and their ratios:
 *
 * - `GET /api/health` on the same app in the same run (Next.js's own floor on this machine: a
 *   route that does nothing). Target (issue 13): ingest ≥ 0.7× its req/s.
 * - a plain Node HTTP server doing one single-row insert per request on the same database.
 *
 * Then the latency at half the measured ingest capacity (a fixed request rate): target p99 < 50 ms.
 * The machine may be shared: rounds of pushUpdate and health are interleaved and the best round
 * of each counts; the load average and the app's CPU time per request (steadier than req/s when
 * other work competes for the cores) are printed.
 *
 * Env: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/passflow_bench, created and
 * migrated if needed), BENCH_CONNECTIONS (100), BENCH_SECONDS (10 per round), BENCH_ROUNDS (3),
 * BENCH_WORKERS (app processes, e.g. `1,2`: one run each, as `npm start` with PASSFLOW_WORKERS;
 * default 1), BENCH_CPU_PROF (a folder: the app writes a V8 CPU profile there when it stops).
 * Builds the app if no build exists. Several processes throttle in PostgreSQL by default
 * (THROTTLE_STORE, passed through).
 */
import http from "node:http";
import { randomBytes } from "node:crypto";
import { cpus, loadavg } from "node:os";
import autocannon from "autocannon";
import pg from "pg";
import { ensureProductionBuild, percentile } from "./load";
import { benchWorkers, cpuByPid, cpuSince } from "./processes";

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/passflow_bench";
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

interface Figures {
  rps: number;
  /** CPU time of the app per answered request, ms (when measured). */
  cpuPerRequest?: number;
  p50: number;
  p99: number;
  ok: number;
  errors: number;
}

interface Target {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
}

async function ensureDatabase() {
  const url = new URL(DATABASE_URL);
  const name = url.pathname.slice(1);
  url.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
  if (!exists.rowCount) await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
}

async function load(target: Target, opts: { connections?: number } = {}): Promise<Figures> {
  const r = await autocannon({ ...target, connections: opts.connections ?? CONNECTIONS, duration: SECONDS });
  const ok = r["2xx"];
  return { rps: ok / SECONDS, p50: r.latency.p50, p99: r.latency.p99, ok, errors: r.non2xx + r.errors + r.timeouts };
}

/**
 * `rate` requests per second for SECONDS, open loop: each request leaves at its scheduled time
 * whatever the earlier ones are doing, and its latency counts from that time (so a stall shows in
 * every request it delays). autocannon's own fixed rate sends in bursts and adds their waits.
 */
async function fixedRate(target: Target, rate: number): Promise<Figures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const latencies: number[] = [];
  let errors = 0;
  const send = (scheduled: number) =>
    new Promise<void>((resolve) => {
      const req = http.request(target.url, { method: target.method, headers: target.headers, agent }, (res) => {
        res.resume();
        res.on("end", () => {
          if (res.statusCode! >= 200 && res.statusCode! < 300) latencies.push(performance.now() - scheduled);
          else errors++;
          resolve();
        });
      });
      req.on("error", () => (errors++, resolve()));
      req.end(target.body);
    });
  const total = Math.round(rate * SECONDS);
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; ) {
    const now = performance.now();
    for (; i < total && start + (i * 1000) / rate <= now; i++) inFlight.push(send(start + (i * 1000) / rate));
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inFlight);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(percentile(latencies, q * 100));
  return { rps: latencies.length / SECONDS, p50: at(0.5), p99: at(0.99), ok: latencies.length, errors };
}

/** Warm-up: open connections, compile and load the route. */
async function warm(target: Target) {
  await autocannon({ ...target, connections: 10, amount: 200 });
}

const bestOf = (runs: Figures[]) => runs.reduce((a, b) => (b.rps > a.rps ? b : a));

/** `run` (a load) with the app's CPU time (all its processes) per request. */
async function withCpu(pids: number[], run: () => Promise<Figures>): Promise<Figures> {
  const before = cpuByPid(pids);
  const figures = await run();
  return { ...figures, cpuPerRequest: cpuSince(before).total / Math.max(1, figures.ok + figures.errors) };
}

async function baseline(body: string): Promise<Figures> {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10 });
  await pool.query(`CREATE TABLE IF NOT EXISTS bench_baseline (id bigserial PRIMARY KEY, body text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      pool.query("INSERT INTO bench_baseline (body) VALUES ($1)", [Buffer.concat(chunks).toString()]).then(
        () => res.writeHead(200).end(),
        () => res.writeHead(500).end(),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  try {
    const target: Target = { url: `http://127.0.0.1:${port}/`, method: "POST", headers: { "content-type": "application/json" }, body };
    await warm(target);
    return await load(target);
  } finally {
    server.close();
    await pool.query("TRUNCATE bench_baseline");
    await pool.end();
  }
}

async function main() {
  await ensureDatabase();
  process.env.DATABASE_URL = DATABASE_URL;
  process.env.PASSFLOW_ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  const { migrateDeploy } = await import("@/server/db/migrate");
  await migrateDeploy(DATABASE_URL);
  ensureProductionBuild();
  const { createTenant, updateTenantSettings } = await import("@/server/tenants/tenants");
  const { createApiKey } = await import("@/server/tenants/api-keys");
  const { issuePass } = await import("@/server/passes/passes");
  const { closeDb } = await import("@/server/db/client");
  const slug = `bench-${Date.now().toString(36)}`;
  await createTenant({ slug, name: "Bench", actor: "bench" });
  await updateTenantSettings(slug, { tenantRequestsPerMinute: 1_000_000, apiKeyRequestsPerMinute: 1_000_000 }, "bench");
  await issuePass({ tenant: slug, passType: "basic", identifiers: { email: "jane.doe@example.com" } });
  const { key } = await createApiKey({ tenant: slug, name: "bench", scopes: ["KlaviyoListener.Write"], actor: "bench" });
  await closeDb();

  // a stand-in Inngest event API, so the app sends each task's event as in production
  const sink = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end('{"ids":[],"status":200}'));
  });
  await new Promise<void>((r) => sink.listen(0, "127.0.0.1", r));
  const sinkUrl = `http://127.0.0.1:${(sink.address() as { port: number }).port}`;

  const body = JSON.stringify({ identifiers: { email: "Jane.Doe@Example.com", phone: "" }, additionalData: { points: "1250", tier: "Gold" }, updateMetadata: false });
  const { startApp } = await import("@/server/tooling/testing/app");
  process.env.PASSFLOW_TEST_SERVER = "start";
  interface Run {
    workers: number;
    ingest: Figures;
    ceiling: Figures;
    halfCapacity: Figures;
    ingestRuns: Figures[];
    healthRuns: Figures[];
  }
  const runs: Run[] = [];
  const load0 = loadavg()[0]!;
  try {
    for (const workers of benchWorkers()) {
      const app = await startApp({
        workers,
        env: {
          NODE_ENV: "production",
          PUBLIC_URL: "https://passflow.bench.invalid", // production refuses http://; the bench calls app.url directly
          DATABASE_URL,
          NEXTAUTH_SECRET: randomBytes(24).toString("base64url"),
          LOG_LEVEL: "warn",
          INNGEST_EVENT_KEY: "bench",
          INNGEST_BASE_URL: sinkUrl,
        },
        nodeArgs: process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [],
      });
      const webhook: Target = {
        url: `${app.url}/api/${slug}/webhooks/listeners/klaviyo/passes/pushUpdate`,
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body,
      };
      const health: Target = { url: `${app.url}/api/health`, method: "GET", headers: {} };
      const ingestRuns: Figures[] = [];
      const healthRuns: Figures[] = [];
      try {
        await warm(webhook);
        await warm(health);
        for (let round = 0; round < ROUNDS; round++) {
          ingestRuns.push(await withCpu(app.pids(), () => load(webhook)));
          healthRuns.push(await withCpu(app.pids(), () => load(health)));
        }
        const halfCapacity = await withCpu(app.pids(), () => fixedRate(webhook, Math.max(1, Math.round(bestOf(ingestRuns).rps / 2))));
        runs.push({ workers, ingest: bestOf(ingestRuns), ceiling: bestOf(healthRuns), halfCapacity, ingestRuns, healthRuns });
      } finally {
        await app.stop();
      }
    }
  } finally {
    sink.close();
  }
  const base = await baseline(body);
  const row = (name: string, f: Figures) =>
    `${name.padEnd(38)} ${f.rps.toFixed(0).padStart(8)} req/s   p50 ${String(f.p50).padStart(4)} ms   p99 ${String(f.p99).padStart(4)} ms   ok ${f.ok}   errors ${f.errors}` +
    (f.cpuPerRequest === undefined ? "" : `   app CPU ${f.cpuPerRequest.toFixed(2)} ms/req`);
  const leastCpu = (list: Figures[]) => Math.min(...list.map((r) => r.cpuPerRequest!));
  const rounds = (list: Figures[]) => list.map((r) => r.rps.toFixed(0)).join("/");
  console.log(
    `\ningest benchmark: ${CONNECTIONS} connections, best of ${ROUNDS} rounds of ${SECONDS} s, PostgreSQL ${new URL(DATABASE_URL).host}; ` +
      `load average ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`,
  );
  for (const r of runs) {
    const store = process.env.THROTTLE_STORE ?? (r.workers > 1 ? "postgres" : "memory");
    console.log(row(`passflow pushUpdate ×${r.workers}`, r.ingest) + `   rounds ${rounds(r.ingestRuns)}   (throttling in ${store})`);
    console.log(row(`GET /api/health ×${r.workers} (same app)`, r.ceiling) + `   rounds ${rounds(r.healthRuns)}`);
    console.log(row(`pushUpdate ×${r.workers} at ${Math.round(r.ingest.rps / 2)} req/s (half)`, r.halfCapacity));
  }
  console.log(row("baseline (http + 1 insert)", base));
  for (const r of runs) {
    console.log(
      `×${r.workers}: ratio to /api/health ${(r.ingest.rps / r.ceiling.rps).toFixed(2)} (target ≥ 0.7); to plain Node + insert ${(r.ingest.rps / base.rps).toFixed(2)}; ` +
        `p99 at half capacity ${r.halfCapacity.p99} ms (target < 50 ms); app CPU per request (least of the rounds) pushUpdate ${leastCpu(r.ingestRuns).toFixed(2)} ms, ` +
        `health ${leastCpu(r.healthRuns).toFixed(2)} ms, ratio ${(leastCpu(r.healthRuns) / leastCpu(r.ingestRuns)).toFixed(2)}`,
    );
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`bench:ingest failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
