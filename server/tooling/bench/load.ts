/**
 * What the pipeline benchmarks share: a tenant with passes to update, pushUpdate webhooks sent
 * open loop through the real listener of a running app, waiting for their tasks, percentiles and
 * CPU readings (Linux /proc). Used by bench:pipeline, bench:volume and bench:freshness.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { randomUUID } from "node:crypto";

/** Builds the app (`next build`, into `.next`) when there is no production build yet. */
export function ensureProductionBuild(): void {
  if (existsSync(".next/BUILD_ID") && statSync(".next/BUILD_ID").mtimeMs >= newestSourceMs()) return;
  console.log("building the app (next build: no build, or sources newer than it)…");
  const b = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], { stdio: "inherit" });
  if (b.status !== 0) throw new Error("next build failed");
}

/** The newest modification time (ms) of what a build compiles: app, server, inngest, prisma, the config files. */
function newestSourceMs(): number {
  let newest = 0;
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) visit(`${path}/${entry}`);
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const path of ["app", "server", "inngest", "prisma", "next.config.js", "proxy.ts", "instrumentation.ts", "package-lock.json"]) visit(path);
  return newest;
}

/** Busy CPU time of the whole machine so far (every core, everything but idle and iowait), in ms; NaN off Linux. */
export function machineBusyMs(): number {
  try {
    const [, ...ticks] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = ticks;
    return (user! + nice! + system! + irq! + softirq! + (steal ?? 0)) * 10;
  } catch {
    return NaN;
  }
}

/** Runs `fn` over `items`, at most `limit` at a time. */
export async function eachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** The p-th percentile (0–100) of ascending `sorted`; NaN when empty. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** A seeded pass as a device that installed it knows it (`InstalledPass` of the wallet test helpers). */
export interface SeededPass {
  passTypeIdentifier: string;
  serialNumber: string;
  /** Plaintext (only its encryption is stored). */
  authenticationToken: string;
}

/**
 * A tenant (slug `<prefix>-<time>`) with `count` customers `member-<i>@bench.example` holding one
 * basic pass each, written in bulk, unthrottled, and an API key for the Klaviyo listeners.
 * With `withPasses`, `passes[i]` is customer i's pass (serial number and plaintext
 * authenticationToken, for simulated devices); otherwise `passes` is empty.
 * Needs DATABASE_URL set and migrated.
 */
export async function seedWebhookTenant(count: number, prefix = "bench", opts: { withPasses?: boolean } = {}) {
  const { createTenant, updateTenantSettings } = await import("@/server/tenants/tenants");
  const { createApiKey } = await import("@/server/tenants/api-keys");
  const { db } = await import("@/server/db/client");
  const { encryptSecret, randomToken } = await import("@/server/platform/crypto");
  const { computeMetadata } = await import("@/server/pass-types/pass-types");
  const slug = `${prefix}-${Date.now().toString(36)}`;
  const tenant = await createTenant({ slug, name: "Bench", actor: "bench" });
  await updateTenantSettings(slug, { tenantRequestsPerMinute: 1_000_000, apiKeyRequestsPerMinute: 1_000_000 }, "bench");
  const passType = await db().passType.findFirstOrThrow({ where: { tenantId: tenant.id, key: "basic" } });
  const data = { points: 0, tier: "Member" };
  const metadata = computeMetadata(passType, data) as object;
  const passes: SeededPass[] = [];
  for (let i = 0; i < count; i += 500) {
    const n = Math.min(500, count - i);
    const customers = await db().customer.createManyAndReturn({
      data: Array.from({ length: n }, (_, j) => ({ tenantId: tenant.id, email: `member-${i + j}@bench.example` })),
      select: { id: true, email: true },
    });
    await db().pass.createMany({
      data: customers.map((c) => {
        const serialNumber = randomUUID();
        const authenticationToken = randomToken(24);
        if (opts.withPasses) passes[Number(c.email!.match(/^member-(\d+)@/)![1])] = { passTypeIdentifier: passType.passTypeIdentifier, serialNumber, authenticationToken };
        return { tenantId: tenant.id, customerRecordId: c.id, passTypeId: passType.id, serialNumber, authenticationTokenEncrypted: encryptSecret(authenticationToken), data, metadata };
      }),
    });
  }
  const { key } = await createApiKey({ tenant: slug, name: "bench", scopes: ["KlaviyoListener.Write"], actor: "bench" });
  return { slug, apiKey: key, passes };
}

/**
 * A pushUpdate sender: webhook `i` sets points to `pushUpdatePoints(i)` (tier Gold) on customer
 * `member-<i % customers>` (by default every webhook its own customer `member-<i>`); resolves
 * with the correlation id of the 200.
 */
export function pushUpdateSender(appUrl: string, slug: string, apiKey: string, customers = Infinity) {
  const endpoint = `${appUrl}/api/${slug}/webhooks/listeners/klaviyo/passes/pushUpdate`;
  return async (i: number): Promise<string> => {
    const res = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ identifiers: { email: `Member-${i % customers}@bench.example`, phone: "" }, additionalData: { points: String(pushUpdatePoints(i)), tier: "Gold" }, updateMetadata: false }),
    });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    return res.headers.get("x-correlation-id")!;
  };
}

/** The points value webhook `i` of `pushUpdateSender` sets (grows with `i`). */
export const pushUpdatePoints = (i: number): number => 1000 + i;

export interface OpenLoopResult {
  /** When each accepted webhook was sent (epoch ms), by correlation id. */
  sentAt: Map<string, number>;
  /** Time to the 2xx of each accepted webhook, ms, ascending. */
  ackMs: number[];
  errors: number;
  /** From the first send to the last answer. */
  seconds: number;
}

/**
 * Sends `count` webhooks (`send(first + i)`) open loop at `rate` per second with at most
 * `inFlight` outstanding, or until `until()` turns true (checked before each send).
 */
export async function sendOpenLoop(opts: { send: (i: number) => Promise<string>; count: number; rate: number; inFlight: number; first?: number; until?: () => boolean }): Promise<OpenLoopResult> {
  const sentAt = new Map<string, number>();
  const ackMs: number[] = [];
  let inFlight = 0;
  let errors = 0;
  const started = Date.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < opts.count && !opts.until?.(); i++) {
    const due = started + (i * 1000) / opts.rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    while (inFlight >= opts.inFlight) await new Promise((r) => setTimeout(r, 1));
    inFlight++;
    const t0 = Date.now();
    pending.push(
      opts.send((opts.first ?? 0) + i).then(
        (id) => {
          sentAt.set(id, t0);
          ackMs.push(Date.now() - t0);
        },
        () => void errors++,
      ).finally(() => inFlight--),
    );
  }
  await Promise.all(pending);
  return { sentAt, ackMs: ackMs.sort((a, b) => a - b), errors, seconds: (Date.now() - started) / 1000 };
}

/** Waits until none of the tasks of `correlationIds` is QUEUED or RUNNING, or `timeoutMs` passed. */
export async function waitForTasks(correlationIds: string[], timeoutMs: number): Promise<void> {
  const { db } = await import("@/server/db/client");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await db().syncTask.count({ where: { correlationId: { in: correlationIds }, status: { in: ["QUEUED", "RUNNING"] } } });
    if (open === 0 || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Webhook → SUCCEEDED latencies (ms, ascending) of the tasks sent, with the last finish time. */
export async function taskLatencies(sentAt: Map<string, number>) {
  const { db } = await import("@/server/db/client");
  const tasks = await db().syncTask.findMany({ where: { correlationId: { in: [...sentAt.keys()] } }, select: { correlationId: true, status: true, finishedAt: true } });
  const done = tasks.filter((t) => t.status === "SUCCEEDED" && t.finishedAt);
  return {
    succeeded: done.length,
    failed: tasks.filter((t) => t.status === "FAILED").length,
    latencies: done.map((t) => t.finishedAt!.getTime() - sentAt.get(t.correlationId)!).sort((a, b) => a - b),
    lastFinish: Math.max(...done.map((t) => t.finishedAt!.getTime())),
  };
}
