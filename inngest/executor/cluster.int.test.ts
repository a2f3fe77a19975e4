/**
 * The embedded executor across processes on one database: the process holding the executor lock
 * runs every function, the others hand it their events through PostgreSQL LISTEN/NOTIFY at once
 * (not the 60-second redispatch), and when the holder is SIGKILLed another takes the lock and
 * finishes every acknowledged webhook, each once.
 *
 * Two app instances on one scratch database (`next dev`, or `next start` with
 * PASSFLOW_TEST_SERVER=start), and with a production build also `npm start` itself
 * (server/start.ts, PASSFLOW_WORKERS=2: two processes on one port). On the embedded PostgreSQL these are
 * skipped: PGlite runs one session for every connection, so an advisory lock cannot tell
 * processes apart (every process would take it), and server/start.ts refuses PASSFLOW_WORKERS > 1 there,
 * which the first test checks in both modes.
 */
import { spawn } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Tenant } from "@prisma/client";
import { db } from "@/server/db/client";
import { startEmbeddedPostgres } from "@/server/db/embedded";
import { createApiKey, KLAVIYO_LISTENER_SCOPE } from "@/server/tenants/api-keys";
import { freePort, startApp, type RunningApp } from "@/server/tooling/testing/app";
import { scratchDatabaseForTests } from "@/server/tooling/testing/scratch-db";
import { createTask, pushUpdateInput, testPass, testTenant } from "@/server/tooling/testing/tasks";

const embedded = inject("databaseEmbedded");
const built = process.env.PASSFLOW_TEST_SERVER === "start";
/** What `npm start` needs in production, for server/start.ts run directly. */
const productionEnv = { NODE_ENV: "production" as const, PASSFLOW_ENCRYPTION_KEY: randomBytes(32).toString("base64"), NEXTAUTH_SECRET: "cluster-test", PUBLIC_URL: "https://passflow.test.invalid" };

describe("npm start on the embedded PostgreSQL", () => {
  it("refuses PASSFLOW_WORKERS=2 with one line saying why", { timeout: 120_000 }, async () => {
    const pglite = await startEmbeddedPostgres({ dataDir: "memory://" });
    try {
      // async spawn: the PGlite server it connects to runs in this process
      const child = spawn(process.execPath, ["--import", "tsx", path.resolve("server/start.ts")], {
        env: { ...process.env, ...productionEnv, DATABASE_URL: pglite.url, PASSFLOW_WORKERS: "2" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
      expect(code).toBe(1);
      expect(stderr.trim()).toBe(
        "passflow: PASSFLOW_WORKERS=2: DATABASE_URL is the embedded PostgreSQL (PGlite), which runs one session for every connection, " +
          "so several processes cannot share it; set PASSFLOW_WORKERS=1, or use a PostgreSQL server",
      );
    } finally {
      await pglite.stop();
    }
  });
});

describe.skipIf(embedded)("embedded executor across processes (skipped on the embedded PostgreSQL: PGlite runs one session for every connection)", () => {
  const scratch = scratchDatabaseForTests();
  const apps: RunningApp[] = [];
  let tenant: Tenant;
  let apiKey: string;
  let next = 0;

  beforeAll(async () => {
    tenant = await testTenant();
    ({ key: apiKey } = await createApiKey({ tenant: tenant.id, name: "cluster", scopes: [KLAVIYO_LISTENER_SCOPE], actor: "test" }));
  });

  afterAll(async () => {
    for (const app of apps) await app.stop();
  });

  const env = () => ({ DATABASE_URL: scratch.url, PASSFLOW_EXECUTOR_RETRY_BASE_MS: "200" });

  /** The processes in the executor's lock dance on the scratch database, from their application_name. */
  async function executors(): Promise<{ pid: number; leading: boolean }[]> {
    const rows = await db().$queryRaw<{ name: string }[]>`
      SELECT application_name AS name FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'passflow executor%'`;
    return rows.map((r) => ({ pid: Number(/\(pid (\d+)\)/.exec(r.name)?.[1]), leading: !r.name.includes("standby") }));
  }

  async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The pid of the process of `app` that holds the lock, once it does. */
  const leaderOf = (app: RunningApp, timeoutMs?: number) =>
    until("the executor lock", async () => (await executors()).find((e) => e.leading && app.pids().includes(e.pid))?.pid, timeoutMs);

  /** A pass for one webhook, and the webhook's body setting its points. */
  async function target() {
    const i = next++;
    const email = `cluster-${i}@example.com`;
    const pass = await testPass(tenant, { email });
    return { pass, points: 100 + i, body: JSON.stringify({ identifiers: { email }, additionalData: { points: String(100 + i) } }) };
  }

  /** POSTs a pushUpdate webhook on a connection of its own (so a cluster hands it to the next worker); resolves with the correlation id. */
  function webhook(app: RunningApp, body: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        `${app.url}/api/${tenant.slug}/webhooks/listeners/klaviyo/passes/pushUpdate`,
        { method: "POST", agent: false, headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` } },
        (res) => {
          res.resume();
          res.on("end", () => (res.statusCode === 200 ? resolve(String(res.headers["x-correlation-id"])) : reject(new Error(`webhook answered ${res.statusCode}`))));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  const succeeded = async (correlationIds: string[]) =>
    db().syncTask.count({ where: { correlationId: { in: correlationIds }, status: "SUCCEEDED" } });

  /** Every webhook's pass shows its points, changed once; one run per task event. */
  async function expectEachAppliedOnce(targets: { pass: { id: string }; points: number }[], correlationIds: string[]) {
    for (const { pass, points } of targets) {
      const after = await db().pass.findUniqueOrThrow({ where: { id: pass.id }, include: { changes: true } });
      expect(after.changes).toHaveLength(1);
      expect((after.data as { points: number }).points).toBe(points);
    }
    const tasks = await db().syncTask.findMany({ where: { correlationId: { in: correlationIds } }, select: { id: true } });
    const runs = await db().executorRun.groupBy({ by: ["eventId"], where: { functionId: "passflow-pass-update", eventId: { in: tasks.map((t) => `task-${t.id}`) } }, _count: true });
    expect(runs).toHaveLength(correlationIds.length);
    expect(runs.every((r) => r._count === 1)).toBe(true);
  }

  /** Sends `n` webhooks to `app` at once; then every task must reach SUCCEEDED within `withinMs` of the last acknowledgement. */
  async function handedOver(app: RunningApp, n: number, withinMs: number) {
    const targets = await Promise.all(Array.from({ length: n }, target));
    const ids = await Promise.all(targets.map((t) => webhook(app, t.body)));
    const acknowledged = Date.now();
    await until("tasks SUCCEEDED", async () => ((await succeeded(ids)) === ids.length ? true : undefined), 30_000);
    const elapsed = Date.now() - acknowledged;
    expect(elapsed).toBeLessThan(withinMs);
    await expectEachAppliedOnce(targets, ids);
  }

  it("runs a webhook accepted by the process without the lock within 2 s, in the process holding it", { timeout: 300_000 }, async () => {
    const a = await startApp({ name: "cluster-a", env: env() });
    apps.push(a);
    await leaderOf(a);
    const b = await startApp({ name: "cluster-b", env: env() });
    apps.push(b);
    await until("b on standby", async () => (await executors()).find((e) => !e.leading && b.pids().includes(e.pid)));
    // warm-up: `next dev` compiles the routes on first use
    await handedOver(a, 1, 60_000);
    await handedOver(b, 1, 60_000);

    await handedOver(b, 5, 2000);
    const holders = await executors();
    expect(holders.filter((e) => e.leading)).toEqual([{ pid: await leaderOf(a), leading: true }]);
    expect(holders.filter((e) => !e.leading && b.pids().includes(e.pid))).toHaveLength(1);
  });

  it("loses nothing when the process holding the lock is SIGKILLed: another takes it and finishes every acknowledged webhook, each once", { timeout: 300_000 }, async () => {
    const [a, b] = apps as [RunningApp, RunningApp];
    const before = await Promise.all(Array.from({ length: 12 }, target));
    // a task committed whose emit never happened (its process died in between)
    const orphan = await target();
    const orphanTask = await createTask(tenant.id, "PASS_UPDATE", pushUpdateInput({ identifiers: JSON.parse(orphan.body).identifiers, additionalData: { points: String(orphan.points) } }), { dispatch: false });
    const ids = await Promise.all(before.map((t, i) => webhook(i % 2 ? b : a, t.body)));
    await a.kill();
    // accepted while nobody holds the lock (or just after b took it)
    const after = await Promise.all(Array.from({ length: 6 }, target));
    ids.push(...(await Promise.all(after.map((t) => webhook(b, t.body)))));

    await leaderOf(b, 15_000);
    ids.push(orphanTask.correlationId);
    await until("every task SUCCEEDED", async () => ((await succeeded(ids)) === ids.length ? true : undefined), 120_000);
    await expectEachAppliedOnce([...before, ...after, orphan], ids);
    apps.splice(0, 1);
  });

  it.skipIf(!built)("npm start with PASSFLOW_WORKERS=2: two processes on one port, one runs the functions, a SIGKILLed one is replaced", { timeout: 300_000 }, async () => {
    for (const app of apps.splice(0)) await app.stop();
    const port = await freePort();
    const app = await startApp({ workers: 2, port, env: { ...env(), PUBLIC_URL: "https://passflow.test.invalid" } });
    apps.push(app);
    const processes = await until("two app processes in the lock dance", async () => {
      const mine = (await executors()).filter((e) => app.pids().includes(e.pid));
      return mine.length === 2 && mine.filter((e) => e.leading).length === 1 ? mine : undefined;
    });
    // connections go to the workers in turn: half of these are accepted by the one without the lock
    await handedOver(app, 2, 60_000);
    await handedOver(app, 10, 2000);

    const leader = processes.find((e) => e.leading)!.pid;
    const targets = await Promise.all(Array.from({ length: 10 }, target));
    const ids = await Promise.all(targets.map((t) => webhook(app, t.body)));
    process.kill(leader, "SIGKILL");
    // once the primary has reaped it, new connections go to the live worker only
    await until("the killed process gone", async () => (app.pids().includes(leader) ? undefined : true), 15_000);
    const more = await Promise.all(Array.from({ length: 6 }, target));
    ids.push(...(await Promise.all(more.map((t) => webhook(app, t.body)))));
    await until("a new holder of the lock", async () => (await executors()).find((e) => e.leading && e.pid !== leader && app.pids().includes(e.pid)), 15_000);
    await until("every task SUCCEEDED", async () => ((await succeeded(ids)) === ids.length ? true : undefined), 120_000);
    await expectEachAppliedOnce([...targets, ...more], ids);
    // the primary replaced the killed worker
    await until("two app processes again", async () => ((await executors()).filter((e) => app.pids().includes(e.pid)).length === 2 ? true : undefined), 60_000);
  });
});
