/**
 * `npm run bench:floor`: the fixed CPU costs, on this machine, of the operations every webhook's
 * task pays for, whatever Passflow does around them. They put a floor under the CPU per task that
 * `npm run bench:pipeline` reports.
 *
 * - Inngest serve call: one call of a function that does nothing, through the SDK's `serve()`
 *   handler (`inngest/next`), signed and answered exactly as the embedded executor calls
 *   `/api/inngest` in-process (no HTTP). A pushUpdate task costs two: pass-update and pass-notify.
 * - One statement through node-postgres, and the same through Prisma (`$queryRaw`), on the
 *   local PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres;
 *   the statement reads a catalog row, so no schema is needed).
 *
 * Each figure is the CPU time of this process (user + system) per operation, with 16 operations
 * in flight; BENCH_OPS (default 5000) sets how many are timed after a warm-up.
 */
import { Inngest } from "inngest";
import { serve } from "inngest/next";
import pg from "pg";
import { detachProcessEnv } from "@/server/platform/process-env";
import { registerServeHandler, serveFetch } from "@/inngest/executor/in-process";
import { callFunction } from "@/inngest/executor/protocol";

const OPS = Number(process.env.BENCH_OPS ?? 5000);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** CPU ms per call of `op` (16 in flight), after `OPS / 10` warm-up calls. */
async function cpuPerOp(op: (i: number) => Promise<unknown>): Promise<{ cpuMs: number; perSecond: number }> {
  for (let i = 0; i < OPS / 10; i++) await op(i);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < OPS) await op(next++);
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  return { cpuMs: (cpu.user + cpu.system) / 1000 / OPS, perSecond: OPS / ((performance.now() - t0) / 1000) };
}

async function inngestCall() {
  const signingKey = `signkey-bench-${"ab".repeat(32)}`;
  const serveUrl = "http://127.0.0.1:1/api/inngest"; // never reached: the in-process handler answers
  const quiet = { info() {}, warn() {}, error() {}, debug() {} };
  const client = new Inngest({ id: "floor", isDev: false, signingKey, eventKey: "bench", logger: quiet, internalLogger: quiet });
  const noop = client.createFunction({ id: "noop", triggers: [{ event: "bench/noop" }] }, async ({ event }) => ({ taskId: (event.data as { taskId: string }).taskId }));
  const handler = serve({ client, functions: [noop], serveOrigin: "http://127.0.0.1:1", servePath: "/api/inngest" });
  registerServeHandler((req) => handler.POST(req as never, { params: Promise.resolve({}) }));
  const transport = serveFetch(serveUrl);
  const data = { taskId: "t".repeat(36), tenantId: "x".repeat(25), correlationId: "c".repeat(36) };
  return cpuPerOp(async (i) => {
    const event = { name: "bench/noop", id: `e${i}`, data, ts: Date.now() };
    const outcome = await callFunction(`${serveUrl}?fnId=floor-noop`, { event, steps: {}, stack: [], runId: `r${i}`, attempt: 0, maxAttempts: 4 }, { signingKey, timeoutMs: 10_000, transport });
    if (outcome.kind !== "done") throw new Error(`the no-op function did not complete: ${JSON.stringify(outcome)}`);
  });
}

async function main() {
  detachProcessEnv(); // as the app does (server/process-env.ts)
  const rows: [string, { cpuMs: number; perSecond: number }][] = [];
  rows.push(["Inngest serve call (no-op function, in-process)", await inngestCall()]);

  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 8 });
  rows.push(["node-postgres statement (one-row SELECT)", await cpuPerOp(() => pool.query("SELECT oid, datname FROM pg_database WHERE datname = $1", ["postgres"]))]);
  await pool.end();

  process.env.DATABASE_URL = DATABASE_URL;
  const { db, closeDb } = await import("@/server/db/client");
  // a catalog-free statement: Prisma's raw path (the app's tables may not exist on this database)
  rows.push(["Prisma $queryRaw (one-row SELECT)", await cpuPerOp(() => db().$queryRaw`SELECT oid, datname FROM pg_database WHERE datname = ${"postgres"}`)]);
  await closeDb();

  console.log(`\nfixed costs per operation on this machine (CPU of this process, 16 in flight, ${OPS} timed)`);
  for (const [name, r] of rows) console.log(`${name.padEnd(50)} ${r.cpuMs.toFixed(3).padStart(7)} ms CPU   ${r.perSecond.toFixed(0).padStart(7)} /s`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`bench:floor failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
