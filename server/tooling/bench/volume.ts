/**
 * `npm run bench:volume`: the console's reads, the pipeline and one retention purge on a
 * database of realistic volume.
 *
 * 1. The pipeline on an empty database (a fresh BENCH_EMPTY_DATABASE_URL, default …/passflow_bench_empty):
 *    BENCH_TASKS pushUpdate webhooks (default 1,000) open loop at BENCH_RATE/s (default 100) through
 *    `next start` with the embedded executor; webhook → SUCCEEDED p50/p99.
 * 2. The fill of a fresh BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/passflow_bench_volume,
 *    dropped and re-created), at BENCH_SCALE=1: 20 tenants, 200,000 customers with one pass each,
 *    1,000,000 webhook receipts and sync tasks over 90 days (3 % FAILED), 100,000 devices and
 *    2,000,000 push deliveries; then the first activity rollup over those 90 days.
 * 3. Every console list and search (BENCH_REPEAT runs each, default 15: p50 and p95 in ms, flagged
 *    over the 200 ms target).
 * 4. The same pipeline run on the filled database (target: p50 within 20 % of step 1).
 * 5. One purge of the 30 oldest days (rows per second) while webhooks arrive at BENCH_PURGE_RATE/s
 *    (default 50): webhook answer p99 before and during the purge (target < 100 ms).
 * BENCH_REUSE_FILL=1 keeps a database an earlier run filled (steps 1 and 3–5 only; its purge then
 * finds less to do). Builds the app (`next build`) when there is no build or the sources are newer.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { freshDatabase } from "./fresh-database";
import { ensureProductionBuild, percentile, pushUpdateSender, seedWebhookTenant, sendOpenLoop, taskLatencies, waitForTasks } from "./load";

const URL_ = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/passflow_bench_volume";
const EMPTY_URL = process.env.BENCH_EMPTY_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/passflow_bench_empty";
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 15);
const PIPELINE_TASKS = Number(process.env.BENCH_TASKS ?? 1000);
const PIPELINE_RATE = Number(process.env.BENCH_RATE ?? 100);
const PURGE_RATE = Number(process.env.BENCH_PURGE_RATE ?? 50);
const REUSE_FILL = process.env.BENCH_REUSE_FILL === "1";
const TENANTS = 20;
const CUSTOMERS = Math.round(200_000 * SCALE);
const RECEIPTS = Math.round(1_000_000 * SCALE);
const DEVICES = Math.round(100_000 * SCALE);
const DELIVERIES = Math.round(2_000_000 * SCALE);
const TARGET_MS = 200;
/** Webhooks the purge phase may send at most (customers seeded for it). */
const PURGE_WEBHOOKS = 30_000;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

/** `next start` on `databaseUrl` (migrated) with the embedded executor, and a tenant with `passes` passes to update. */
async function appWithTenant(databaseUrl: string, passes: number) {
  const { startApp } = await import("@/server/tooling/testing/app");
  const { slug, apiKey } = await seedWebhookTenant(passes, "volume-bench");
  const app = await startApp({
    env: { NODE_ENV: "production", PUBLIC_URL: "https://passflow.bench.invalid", DATABASE_URL: databaseUrl, NEXTAUTH_SECRET: randomBytes(24).toString("base64url"), LOG_LEVEL: "warn" },
  });
  return { app, send: pushUpdateSender(app.url, slug, apiKey) };
}

/** PIPELINE_TASKS webhooks open loop at PIPELINE_RATE through `send` (customers from `first`): webhook → SUCCEEDED p50/p99. */
async function pipelineRun(send: (i: number) => Promise<string>, first: number) {
  const warm = await Promise.all(Array.from({ length: 20 }, (_, i) => send(first + PIPELINE_TASKS + i)));
  await waitForTasks(warm, 120_000);
  const sent = await sendOpenLoop({ send, count: PIPELINE_TASKS, rate: PIPELINE_RATE, inFlight: 64, first });
  await waitForTasks([...sent.sentAt.keys()], 600_000);
  const { succeeded, latencies } = await taskLatencies(sent.sentAt);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), ackP99: percentile(sent.ackMs, 99), succeeded, accepted: sent.sentAt.size };
}

const pipelineLine = (r: Awaited<ReturnType<typeof pipelineRun>>) =>
  `webhook→SUCCEEDED p50 ${r.p50} ms, p99 ${r.p99} ms; webhook answer p99 ${r.ackP99} ms (${r.succeeded}/${r.accepted} SUCCEEDED)`;

/** True when BENCH_DATABASE_URL holds an earlier fill (its tenants). */
async function filledAlready(): Promise<boolean> {
  const client = new pg.Client({ connectionString: URL_ });
  try {
    await client.connect();
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Tenant" WHERE slug LIKE 'volume-%'`);
    return rows[0]!.n >= TENANTS;
  } catch {
    return false; // no such database yet
  } finally {
    await client.end().catch(() => {});
  }
}

/** Creates the tenants through the domain, fills the rest in SQL and runs the first rollup. */
async function fill(createTenant: (typeof import("@/server/tenants/tenants"))["createTenant"]) {
  const { encryptSecret, randomToken } = await import("@/server/platform/crypto");
  for (let i = 0; i < TENANTS; i++) await createTenant({ slug: `volume-${String(i).padStart(2, "0")}`, name: `Volume ${i}`, actor: "bench" });
  const client = new pg.Client({ connectionString: URL_ });
  await client.connect();
  console.log(`fill (scale ${SCALE}): ${CUSTOMERS} customers and passes, ${RECEIPTS} receipts and tasks, ${DEVICES} devices, ${DELIVERIES} push deliveries`);
  for (const [what, sql] of fillStatements(encryptSecret(randomToken(24)))) {
    const [, ms] = await timed(() => client.query(sql));
    console.log(`  ${what.padEnd(16)} ${(ms / 1000).toFixed(1)} s`);
  }
  await client.end();
  const { rollUpTenants } = await import("@/server/tasks/activity");
  const [, rollupMs] = await timed(() => rollUpTenants());
  console.log(`  ${"first rollup".padEnd(16)} ${(rollupMs / 1000).toFixed(1)} s (90 days of every tenant into hourly counts)`);
}

/** The fill, in plain SQL: `generate_series` over the tenants the domain created. */
function fillStatements(tokenEncrypted: string): [string, string][] {
  const tenantOf = (g: string) => `(SELECT id FROM bench_tenants WHERE n = (${g}) % ${TENANTS})`;
  const day = (g: string, total: number) => `now() - ((${g})::float / ${total}) * interval '90 days'`;
  return [
    ["tenants", `CREATE TEMP TABLE bench_tenants AS SELECT id, (row_number() OVER (ORDER BY id) - 1)::int AS n FROM "Tenant"`],
    ["customers", `INSERT INTO "Customer" (id, "tenantId", email, phone, "customerId", "updatedAt", "createdAt")
      SELECT 'bc' || g, ${tenantOf("g")}, 'member' || g || '@volume.example', '+1415' || lpad(g::text, 7, '0'), 'C-' || g, now(), ${day("g", CUSTOMERS)}
      FROM generate_series(1, ${CUSTOMERS}) g`],
    ["passes", `INSERT INTO "Pass" (id, "tenantId", "customerRecordId", "passTypeId", "serialNumber", "authenticationTokenEncrypted", data, "updatedAt", "createdAt")
      SELECT 'bp' || c.g, c."tenantId", c.id, pt.id, 'SN-' || c.g, '${tokenEncrypted}', jsonb_build_object('points', c.g % 5000, 'tier', 'Member'), now(), c."createdAt"
      FROM (SELECT id, "tenantId", "createdAt", substr(id, 3)::int AS g FROM "Customer" WHERE id LIKE 'bc%') c
      JOIN "PassType" pt ON pt."tenantId" = c."tenantId" AND pt.key = 'basic'`],
    ["receipts", `INSERT INTO "WebhookReceipt" (id, "tenantId", endpoint, "correlationId", headers, "rawBody", "responseStatus", "createdAt")
      SELECT 'br' || g, ${tenantOf("g")}, (CASE WHEN (g / ${TENANTS}) % 5 = 0 THEN 'PROFILE_SYNC' ELSE 'PASS_PUSH_UPDATE' END)::"WebhookEndpoint", 'corr-' || g,
             '{"content-type":"application/json"}', '{"identifiers":{"email":"member' || (g % ${CUSTOMERS} + 1) || '@volume.example"},"additionalData":{"points":"' || (g % 900) || '"}}',
             CASE WHEN (g / ${TENANTS}) % 50 = 0 THEN 400 ELSE 200 END, ${day("g", RECEIPTS)}
      FROM generate_series(1, ${RECEIPTS}) g`],
    ["tasks", `INSERT INTO "SyncTask" (id, "tenantId", "receiptId", kind, status, attempts, "errorCode", "correlationId", input, "passId", "queuedAt", "startedAt", "finishedAt", "createdAt", "updatedAt")
      SELECT 'bt' || g, ${tenantOf("g")}, 'br' || g, (CASE WHEN (g / ${TENANTS}) % 5 = 0 THEN 'PROFILE_SYNC' ELSE 'PASS_UPDATE' END)::"SyncTaskKind",
             (CASE WHEN (g / ${TENANTS}) % 33 = 0 THEN 'FAILED' ELSE 'SUCCEEDED' END)::"SyncTaskStatus", 1,
             CASE WHEN (g / ${TENANTS}) % 33 = 0 THEN (CASE WHEN g % 2 = 0 THEN 'pass_not_found' ELSE 'invalid_field_value' END) END,
             'corr-' || g, '{}', 'bp' || (g % ${CUSTOMERS} + 1), ${day("g", RECEIPTS)}, ${day("g", RECEIPTS)}, ${day("g", RECEIPTS)}, ${day("g", RECEIPTS)}, now()
      FROM generate_series(1, ${RECEIPTS}) g`],
    ["devices", `INSERT INTO "Device" (id, "deviceLibraryIdentifier", "pushToken", "updatedAt")
      SELECT 'bd' || g, md5('device' || g), md5('token' || g) || md5('token2' || g), now() FROM generate_series(1, ${DEVICES}) g`],
    ["push deliveries", `INSERT INTO "PushDelivery" (id, "passId", "deviceId", "versionTag", status, "statusCode", attempts, "updatedAt", "createdAt")
      SELECT 'bq' || g, 'bp' || (g % ${CUSTOMERS} + 1), 'bd' || (g % ${DEVICES} + 1), g, (CASE WHEN g % 40 = 0 THEN 'REJECTED' ELSE 'ACCEPTED' END)::"PushStatus", 200, 1, now(), ${day("g", DELIVERIES)}
      FROM generate_series(1, ${DELIVERIES}) g`],
    // what autovacuum would do next, done now, so that the reads below do not race it
    ["vacuum analyze", `VACUUM (ANALYZE)`],
    // and the checkpoint the fill's WAL would trigger within minutes: measured during the pipeline,
    // its writes (and the full-page images every first change of a page after it logs) slowed it 100×
    ["checkpoint", `CHECKPOINT`],
  ];
}

async function main() {
  process.env.PASSFLOW_ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  process.env.PASSFLOW_TEST_SERVER = "start";
  process.env.LOG_LEVEL ??= "warn";
  ensureProductionBuild();
  const { migrateDeploy } = await import("@/server/db/migrate");
  const { closeDb } = await import("@/server/db/client");
  const pipelineCustomers = PIPELINE_TASKS + 20;

  // 1. the pipeline on an empty database
  process.env.DATABASE_URL = await freshDatabase(EMPTY_URL);
  await migrateDeploy(EMPTY_URL);
  console.log(`pipeline on an empty database: ${PIPELINE_TASKS} pushUpdate webhooks at ${PIPELINE_RATE}/s…`);
  const onEmpty = await appWithTenant(EMPTY_URL, pipelineCustomers);
  const empty = await pipelineRun(onEmpty.send, 0).finally(() => onEmpty.app.stop());
  console.log(`  ${pipelineLine(empty)}`);
  await closeDb();

  // 2. the fill
  process.env.DATABASE_URL = URL_;
  const { createTenant, updateTenantSettings } = await import("@/server/tenants/tenants");
  if (REUSE_FILL && (await filledAlready())) {
    console.log(`fill: reusing ${URL_} (BENCH_REUSE_FILL=1)`);
    await migrateDeploy(URL_);
  } else {
    await freshDatabase(URL_);
    await migrateDeploy(URL_);
    await fill(createTenant);
  }

  const { listTasks, countTasks, countReplayable } = await import("@/server/tasks/queries");
  const { listReceipts } = await import("@/server/console/receipts");
  const { searchPasses } = await import("@/server/console/passes");
  const { overviewStats } = await import("@/server/console/overview");
  const page = { limit: 50 };
  const tenant = "volume-07";
  const weekAgo = new Date(Date.now() - 7 * 86_400_000);
  const reads: [string, () => Promise<unknown>][] = [
    ["tasks, newest", () => listTasks(page)],
    ["tasks, FAILED", () => listTasks({ ...page, status: "FAILED" })],
    ["tasks, tenant", () => listTasks({ ...page, tenant })],
    ["tasks, tenant + FAILED", () => listTasks({ ...page, tenant, status: "FAILED" })],
    ["tasks, error code", () => listTasks({ ...page, errorCode: "pass_not_found" })],
    ["tasks, last 7 days", () => listTasks({ ...page, from: weekAgo })],
    ["tasks, correlation id", () => listTasks({ ...page, correlationId: "corr-424242" })],
    ["tasks, count FAILED", () => countTasks({ status: "FAILED" })],
    ["tasks, count tenant", () => countTasks({ tenant })],
    ["tasks, replayable count", () => countReplayable({ tenant })],
    ["receipts, newest", () => listReceipts(page)],
    ["receipts, tenant", () => listReceipts({ ...page, tenant })],
    ["receipts, 4xx", () => listReceipts({ ...page, status: "4xx" })],
    ["receipts, tenant + endpoint", () => listReceipts({ ...page, tenant, endpoint: "PROFILE_SYNC" })],
    ["passes, newest", () => searchPasses({ ...page, by: "any" })],
    ["passes, by email", () => searchPasses({ ...page, tenant, q: "member1007@volume.example", by: "any" })],
    ["passes, by phone", () => searchPasses({ ...page, tenant, q: "(415) 000-1007", by: "any" })],
    ["passes, by serial", () => searchPasses({ ...page, q: "SN-123456", by: "any" })],
    ["overview, 24 h", () => overviewStats({ range: "24h" })],
    ["overview, 7 days", () => overviewStats({ range: "7d" })],
  ];
  console.log(`\nconsole reads (${REPEAT} runs each; target p95 < ${TARGET_MS} ms)`);
  const slow: string[] = [];
  for (const [what, read] of reads) {
    const ms: number[] = [];
    for (let i = 0; i < REPEAT; i++) ms.push((await timed(read))[1]);
    ms.sort((a, b) => a - b);
    const p = (q: number) => percentile(ms, q * 100);
    if (p(0.95) >= TARGET_MS) slow.push(what);
    console.log(`  ${what.padEnd(28)} p50 ${p(0.5).toFixed(1).padStart(8)} ms   p95 ${p(0.95).toFixed(1).padStart(8)} ms${p(0.95) >= TARGET_MS ? "   OVER TARGET" : ""}`);
  }

  // 4. the pipeline on the filled database
  console.log(`\npipeline on the filled database: ${PIPELINE_TASKS} pushUpdate webhooks at ${PIPELINE_RATE}/s…`);
  const onFilled = await appWithTenant(URL_, pipelineCustomers + PURGE_WEBHOOKS);
  try {
    const filled = await pipelineRun(onFilled.send, 0);
    const ratio = filled.p50 / empty.p50;
    console.log(`  ${pipelineLine(filled)}`);
    console.log(`  p50 ${ratio.toFixed(2)}× the empty database's (${empty.p50} ms; target ≤ 1.20×)`);

    // 5. one purge of the 30 oldest days (every tenant keeps 60 days, bodies 30) while webhooks arrive
    const { startRetentionRun, finishRetentionRun, purgeTenants, RETENTION_KINDS } = await import("@/server/tasks/retention");
    for (let i = 0; i < TENANTS; i++) await updateTenantSettings(`volume-${String(i).padStart(2, "0")}`, { retentionDays: 60, rawBodyRetentionDays: 30 }, "bench");
    let first = pipelineCustomers;
    const quiet = await sendOpenLoop({ send: onFilled.send, count: PURGE_RATE * 20, rate: PURGE_RATE, inFlight: 64, first });
    first += PURGE_RATE * 20;
    let purging = true;
    const runId = await startRetentionRun();
    const during = sendOpenLoop({ send: onFilled.send, count: PURGE_WEBHOOKS - PURGE_RATE * 20, rate: PURGE_RATE, inFlight: 64, first, until: () => !purging });
    const [run, purgeMs] = await timed(async () => {
      for (let from: string | null | undefined = undefined; from !== null; ) ({ from } = await purgeTenants({ runId, from: from ?? undefined, budgetMs: 30_000 }));
      return finishRetentionRun(runId);
    }).finally(() => (purging = false));
    const load = await during;
    const counts = Object.fromEntries(RETENTION_KINDS.map((k) => [k, run[k]]));
    const rows = RETENTION_KINDS.reduce((sum, k) => sum + run[k], 0);
    console.log(`\npurge of 30 days: ${(purgeMs / 1000).toFixed(1)} s, ${rows} rows (${Math.round(rows / (purgeMs / 1000))} rows/s)`, counts);
    console.log(
      `  webhooks at ${PURGE_RATE}/s: answer p50 ${percentile(quiet.ackMs, 50)} ms, p99 ${percentile(quiet.ackMs, 99)} ms before the purge (${quiet.ackMs.length}); ` +
        `p50 ${percentile(load.ackMs, 50)} ms, p99 ${percentile(load.ackMs, 99)} ms during it (${load.ackMs.length}, ${load.errors} not accepted; target p99 < 100 ms)`,
    );
  } finally {
    await onFilled.app.stop();
  }
  console.log(slow.length ? `\nover the ${TARGET_MS} ms target: ${slow.join(", ")}` : `\nevery console read within ${TARGET_MS} ms at p95`);
  await closeDb();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
