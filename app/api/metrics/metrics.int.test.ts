/**
 * GET /api/metrics over HTTP: an app of its own (its own counters and its own database, so no
 * other test moves them) with METRICS_TOKEN set receives a webhook that updates a pass on a
 * registered device, the device's downloads and a signed-link download; the scrape before and
 * after differ by exactly those events. A wrong or missing token is 401; the run's main app,
 * without METRICS_TOKEN, answers 404.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { db } from "@/server/db/client";
import { passDownloadLink } from "@/server/wallet/links";
import { startApp, type RunningApp } from "@/server/tooling/testing/app";
import { scratchDatabaseForTests } from "@/server/tooling/testing/scratch-db";
import { showPass } from "@/server/passes/passes";
import { issueJanePass, makeTenant } from "@/server/tooling/testing/tenants";
import { SimulatedDevice } from "@/server/tooling/testing/wallet-device";

const TOKEN = "metrics-test-token-0123456789";

const scratch = scratchDatabaseForTests();
let app: RunningApp;

beforeAll(async () => {
  const apns = inject("apnsMock");
  app = await startApp({
    name: "metrics",
    env: {
      DATABASE_URL: scratch.url,
      METRICS_TOKEN: TOKEN,
      APNS_HOST: apns.host,
      APNS_PORT: String(apns.port),
      APNS_CA_FILE: path.join(inject("dataDir"), "apns-mock-ca.pem"),
      APNS_MOCK_CONTROL_URL: apns.controlUrl,
    },
  });
}, 180_000);

afterAll(() => app?.stop());

/** The samples of a Prometheus text exposition, each with its name, labels and value. */
function samples(text: string) {
  return text
    .split("\n")
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

type Samples = ReturnType<typeof samples>;

/** The value of the sample `name` with exactly `labels` (0 when it is absent: a series not counted yet). */
function valueOf(all: Samples, name: string, labels: Record<string, string> = {}): number {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  return all.find((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === wanted)?.value ?? 0;
}

async function scrape(): Promise<Samples> {
  const res = await fetch(`${app.url}/api/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return samples(await res.text());
}

describe("GET /api/metrics", () => {
  it("counts webhooks, tasks, pushes, builds and downloads by exactly what happened", { timeout: 240_000 }, async () => {
    const { slug, apiKey } = await makeTenant({ prefix: "metrics" });
    const { serialNumber } = await issueJanePass(slug);
    const view = await showPass(slug, serialNumber);
    const installed = { serialNumber, passTypeIdentifier: view.passTypeIdentifier, authenticationToken: view.authenticationToken };
    const device = new SimulatedDevice(app.url, slug);
    expect((await device.register(installed)).status).toBe(201);
    const tenantId = (await db().tenant.findUniqueOrThrow({ where: { slug } })).id;
    await db().walletCertificate.create({
      data: { tenantId, passTypeIdentifier: "pass.test.metrics", teamIdentifier: "TEAM123456", certificatePem: "-", privateKeyEncrypted: "-", wwdrPem: "-", expiresAt: new Date(Date.now() + 10 * 86_400_000) },
    });

    const before = await scrape();
    const webhook = (authorization: string) =>
      fetch(`${app.url}/api/${slug}/webhooks/listeners/klaviyo/passes/pushUpdate`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization },
        body: JSON.stringify({ identifiers: { email: "jane.doe@example.com" }, additionalData: { points: "1234" } }),
      });
    expect((await webhook(`Bearer ${apiKey}`)).status).toBe(200);
    expect((await webhook(`Bearer ${apiKey.slice(0, -1)}${apiKey.endsWith("A") ? "B" : "A"}`)).status).toBe(401);
    await expect.poll(async () => (await db().pushDelivery.findFirst({ where: { pass: { serialNumber } } }))?.status, { timeout: 60_000 }).toBe("ACCEPTED");
    await expect.poll(async () => (await db().syncTask.findFirst({ where: { tenantId } }))?.status, { timeout: 60_000 }).toBe("SUCCEEDED");

    const download = await device.download(installed);
    expect(download.status).toBe(200);
    expect((await device.download(installed, download.headers.get("last-modified")!)).status).toBe(304);
    const link = new URL((await passDownloadLink({ tenant: slug, serialNumber })).url);
    expect((await fetch(`${app.url}${link.pathname}${link.search}`)).status).toBe(200);

    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(delta("passflow_webhooks_total", { endpoint: "pushUpdate", status: "200" })).toBe(1);
    expect(delta("passflow_webhooks_total", { endpoint: "pushUpdate", status: "401" })).toBe(1);
    expect(delta("passflow_webhook_duration_seconds_count", { endpoint: "pushUpdate", status: "200" })).toBe(1);
    expect(delta("passflow_tasks_total", { kind: "PASS_UPDATE", outcome: "succeeded" })).toBe(1);
    expect(delta("passflow_task_duration_seconds_count", { kind: "PASS_UPDATE", outcome: "succeeded" })).toBe(1);
    expect(delta("passflow_tasks_total", { kind: "PASS_UPDATE", outcome: "failed" })).toBe(0);
    expect(delta("passflow_pushes_total", { outcome: "accepted" })).toBe(1);
    expect(delta("passflow_pass_downloads_total", { via: "web_service", status: "200" })).toBe(1);
    expect(delta("passflow_pass_downloads_total", { via: "web_service", status: "304" })).toBe(1);
    expect(delta("passflow_pass_downloads_total", { via: "link", status: "200" })).toBe(1);
    expect(delta("passflow_pass_download_duration_seconds_count", { via: "link", status: "200" })).toBe(1);
    // the push built the new version; both downloads of it came from the cache
    expect(delta("passflow_pkpass_builds_total")).toBe(1);
    expect(delta("passflow_pkpass_cache_hits_total")).toBe(2);

    // gauges read at scrape time
    expect(valueOf(after, "passflow_task_queue_depth", { status: "QUEUED" })).toBe(0);
    expect(valueOf(after, "passflow_task_queue_depth", { status: "RUNNING" })).toBe(0);
    expect(after.some((s) => s.name === "passflow_task_oldest_queued_age_seconds")).toBe(true);
    const expiry = valueOf(after, "passflow_wallet_certificate_expiry_seconds", { tenant: slug });
    expect(Math.abs(expiry - 10 * 86_400)).toBeLessThan(600);
    expect(valueOf(after, "passflow_db_pool_max_connections")).toBe(10);
    expect(after.some((s) => s.name === "passflow_db_pool_connections" && s.labels.state === "idle")).toBe(true);
    expect(after.some((s) => s.name === "nodejs_eventloop_lag_seconds")).toBe(true);
    expect(after.some((s) => s.name === "process_cpu_user_seconds_total")).toBe(true);
  });

  it("the data lifecycle: the latest retention run and the activity rollup's lag", async () => {
    const startedAt = new Date(Date.now() - 60_000);
    await db().retentionRun.create({ data: { startedAt, finishedAt: new Date(startedAt.getTime() + 30_000), receiptsDeleted: 7, tasksDeleted: 5 } });
    const { tenant } = await makeTenant();
    await db().activityRollup.create({ data: { tenantId: tenant.id, rolledUntil: new Date(Date.now() - 2 * 3_600_000) } });
    const now = await scrape();
    expect(valueOf(now, "passflow_retention_last_run_started_seconds")).toBeCloseTo(startedAt.getTime() / 1000, 0);
    expect(valueOf(now, "passflow_retention_last_run_finished_seconds")).toBeCloseTo(startedAt.getTime() / 1000 + 30, 0);
    expect(valueOf(now, "passflow_retention_last_run_rows", { kind: "receiptsDeleted" })).toBe(7);
    expect(valueOf(now, "passflow_retention_last_run_rows", { kind: "tasksDeleted" })).toBe(5);
    expect(valueOf(now, "passflow_retention_last_run_rows", { kind: "pushDeliveriesDeleted" })).toBe(0);
    expect(Math.abs(valueOf(now, "passflow_activity_rollup_lag_seconds") - 7200)).toBeLessThan(120);
  });

  it("401 problem+json for a missing or wrong token", async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: `Bearer ${TOKEN}x` }, { authorization: `Basic ${TOKEN}` }];
    for (const headers of attempts) {
      const res = await fetch(`${app.url}/api/metrics`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(await res.text()).not.toContain("passflow_");
    }
  });

  it("404 problem+json on an app without METRICS_TOKEN", async () => {
    const res = await fetch(`${inject("appUrl")}/api/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });
});
