/**
 * `npm run bench:ingest`: accepted pushUpdate webhooks per second and latency p50/p99 at a fixed
 * concurrency, against `next start` on a real PostgreSQL, next to a baseline — a plain Node
 * HTTP server doing one single-row insert per request on the same database — and their ratio.
 * Targets (issue 3): ratio ≥ 0.5 and p99 < 50 ms at 100 connections.
 *
 * Env: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/passflow_bench, created and
 * migrated if needed), BENCH_CONNECTIONS (100), BENCH_SECONDS (10), BENCH_WORKERS (app processes,
 * e.g. `1,2`: one run each, as `npm start` with PASSFLOW_WORKERS; default 1), BENCH_CPU_PROF (a
 * folder: the app writes a V8 CPU profile there when it stops). Builds the app if no build exists.
 * Several processes throttle in PostgreSQL by default (THROTTLE_STORE, passed through).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import http from "node:http";
import { randomBytes } from "node:crypto";
import { cpus, loadavg } from "node:os";
import autocannon from "autocannon";
import pg from "pg";
import { benchWorkers, cpuByPid, cpuSince } from "./processes";

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/passflow_bench";
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

interface Figures {
  /** App CPU time per accepted request (all its processes), ms; undefined for the baseline. */
  cpuPerRequest?: number;
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  errors: number;
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

/** Warm-up: opens connections (to every app process) and loads the routes. */
async function warm(url: string, headers: Record<string, string>, body: string): Promise<void> {
  await autocannon({ url, method: "POST", headers, body, connections: 10, amount: 200 });
}

/** Sends for SECONDS at CONNECTIONS. */
async function load(url: string, headers: Record<string, string>, body: string): Promise<Figures> {
  const r = await autocannon({ url, method: "POST", headers, body, connections: CONNECTIONS, duration: SECONDS });
  const ok = r["2xx"];
  return { rps: ok / SECONDS, p50: r.latency.p50, p99: r.latency.p99, ok, errors: r.non2xx + r.errors + r.timeouts };
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
    const url = `http://127.0.0.1:${port}/`;
    await warm(url, { "content-type": "application/json" }, body);
    return await load(url, { "content-type": "application/json" }, body);
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
  if (!existsSync(".next/BUILD_ID")) {
    console.log("building the app (next build)…");
    const b = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], { stdio: "inherit" });
    if (b.status !== 0) throw new Error("next build failed");
  }
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
  const runs: { workers: number; figures: Figures }[] = [];
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
      try {
        const url = `${app.url}/api/${slug}/webhooks/listeners/klaviyo/passes/pushUpdate`;
        const headers = { "content-type": "application/json", authorization: `Bearer ${key}` };
        await warm(url, headers, body);
        const cpu0 = cpuByPid(app.pids());
        const figures = await load(url, headers, body);
        figures.cpuPerRequest = cpuSince(cpu0).total / figures.ok;
        runs.push({ workers, figures });
      } finally {
        await app.stop();
      }
    }
  } finally {
    sink.close();
  }
  const base = await baseline(body);
  const row = (name: string, f: Figures) =>
    `${name.padEnd(30)} ${f.rps.toFixed(0).padStart(8)} req/s   p50 ${String(f.p50).padStart(4)} ms   p99 ${String(f.p99).padStart(4)} ms   ok ${f.ok}   errors ${f.errors}` +
    (f.cpuPerRequest === undefined ? "" : `   app CPU ${f.cpuPerRequest.toFixed(2)} ms/request`);
  console.log(`\ningest benchmark: ${CONNECTIONS} connections, ${SECONDS} s, PostgreSQL ${new URL(DATABASE_URL).host}; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} on ${cpus().length} cores`);
  for (const { workers, figures } of runs) {
    const store = process.env.THROTTLE_STORE ?? (workers > 1 ? "postgres" : "memory");
    console.log(row(`passflow pushUpdate ×${workers}`, figures) + `   (${workers} process${workers > 1 ? "es" : ""}, throttling in ${store})`);
  }
  console.log(row("baseline (http + 1 insert)", base));
  for (const { workers, figures } of runs) {
    console.log(`×${workers}: ratio ${(figures.rps / base.rps).toFixed(2)} (target ≥ 0.5); passflow p99 ${figures.p99} ms (target < 50 ms)`);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`bench:ingest failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
