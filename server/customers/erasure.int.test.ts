/**
 * Customer erasure as an auditor checks it, on the running app and a real PostgreSQL: two
 * customers with passes on devices (registered over the PassKit web service), webhooks to the
 * listeners over HTTP, their tasks run and pushed, a merchant sync-back; one customer is erased
 * with the CLI; then a `pg_dump --data-only` of the database holds none of that customer's
 * email, phone, name or customerId while the other's data is intact, the voided pass was pushed
 * and unregistered, the web service no longer knows it, the audit row holds counts only, and
 * later webhooks for the same email create nothing. Then the merchant API's DELETE endpoint.
 */
import { spawn } from "node:child_process";
import { randomInt, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { db } from "@/server/db/client";
import { issuePass, showPass } from "@/server/passes/passes";
import { createApiKey, PASSES_WRITE_SCOPE } from "@/server/tenants/api-keys";
import { makeTenant } from "@/server/tooling/testing/tenants";
import { eventually, waitForTask } from "@/server/tooling/testing/tasks";
import { startMerchantMock, type MerchantMock } from "@/server/tooling/testing/merchant";
import { runCli } from "@/server/tooling/testing/cli";
import { SimulatedDevice, type InstalledPass } from "@/server/tooling/testing/wallet-device";
import { readZip } from "@/server/tooling/testing/pkpass-check";
import { dropErasedPassRegistrations, ERASED_PASS_GRACE_MS, type ErasureResult } from "./erasure";

const APP = inject("appUrl");

function post(slug: string, endpoint: string, apiKey: string, body: unknown) {
  return fetch(`${APP}/api/${slug}/webhooks/listeners/klaviyo/${endpoint}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
    body: JSON.stringify(body),
  });
}

function deleteCustomer(slug: string, customerId: string, apiKey?: string) {
  return fetch(`${APP}/api/${slug}/v1/customers/${encodeURIComponent(customerId)}`, {
    method: "DELETE",
    headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
  });
}

/** Posts a webhook and waits for its task to end; resolves with the task. */
async function webhook(slug: string, endpoint: string, apiKey: string, body: unknown) {
  const res = await post(slug, endpoint, apiKey, body);
  expect(res.status).toBeLessThan(300);
  const correlationId = res.headers.get("x-correlation-id")!;
  const task = await eventually(() => db().syncTask.findFirst({ where: { correlationId } }));
  const done = await waitForTask(task!.id);
  // the run's memoized steps are written after the task ends: wait for the run too
  await eventually(async () => (await db().executorRun.count({ where: { eventId: `task-${done.id}`, status: { in: ["COMPLETED", "FAILED"] } } })) === 1);
  return done;
}

/** The database's data as an auditor reads it: `pg_dump --data-only` of DATABASE_URL. */
function pgDump(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("pg_dump", ["--data-only", "--no-owner", inject("databaseUrl")], { stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(Buffer.concat(out).toString("utf8")) : reject(new Error(`pg_dump exited ${code}: ${err}`))));
  });
}

/** A person no other test uses: email, a phone (E.164 and as written in webhooks), name, customerId. */
function person(tag: string) {
  const n = String(randomInt(1_000_000, 9_999_999));
  const suffix = `${tag}${randomInt(100_000, 999_999)}`;
  return {
    email: `${suffix}@erasure.example.com`,
    e164: `+1312${n}`,
    written: `(312) ${n.slice(0, 3)}-${n.slice(3)}`,
    first: `First${suffix}`,
    last: `Last${suffix}`,
    customerId: `CID-${suffix}`,
    loyaltyNumber: `LN-${suffix}`,
  };
}
type Person = ReturnType<typeof person>;

describe("customer erasure", () => {
  let t: Awaited<ReturnType<typeof makeTenant>>;
  let merchant: MerchantMock;
  const gone = person("gone");
  const kept = person("kept");
  const passes: Record<"gone" | "kept", InstalledPass & { passId: string; device: SimulatedDevice }> = {} as never;
  let erased: ErasureResult;
  let goneRecordId: string;

  async function withPass(p: Person) {
    const { serialNumber } = await issuePass({
      tenant: t.slug,
      passType: "basic",
      identifiers: { email: p.email, phone: p.e164, customerId: p.customerId, loyaltyNumber: p.loyaltyNumber },
      data: { memberName: `${p.first} ${p.last}`, points: 10 },
    });
    const view = await showPass(t.slug, serialNumber);
    const row = await db().pass.findUniqueOrThrow({ where: { serialNumber }, select: { id: true } });
    const device = new SimulatedDevice(APP, t.slug);
    const installed = { serialNumber, passTypeIdentifier: view.passTypeIdentifier, authenticationToken: view.authenticationToken };
    expect((await device.register(installed)).status).toBe(201);
    return { ...installed, passId: row.id, device };
  }

  async function history(p: Person) {
    await webhook(t.slug, "passes/pushUpdate", t.apiKey, { identifiers: { email: p.email }, additionalData: { points: "20" } });
    await webhook(t.slug, "passes/pushUpdate", t.apiKey, { identifiers: { phone: p.written }, additionalData: { points: "30" } });
    await webhook(t.slug, "profiles/sync", t.apiKey, {
      email: p.email,
      phone_number: p.written,
      external_id: p.customerId,
      properties: { first_name: p.first, last_name: p.last },
    });
  }

  beforeAll(async () => {
    t = await makeTenant({ prefix: "erase" });
    merchant = await startMerchantMock(t.tenant.id);
    passes.gone = await withPass(gone);
    passes.kept = await withPass(kept);
    await history(gone);
    await history(kept);
    // a stored body that names the customer without a task (phone written another way)
    await db().webhookReceipt.create({
      data: { tenantId: t.tenant.id, endpoint: "PROFILE_SYNC", correlationId: `orphan-${randomUUID()}`, headers: {}, rawBody: JSON.stringify({ phone_number: `+1 ${gone.written}` }), responseStatus: 400 },
    });
    // every pushed version reached both devices before the erasure
    for (const p of [passes.gone, passes.kept]) {
      const pass = await db().pass.findUniqueOrThrow({ where: { id: p.passId } });
      await eventually(() => db().pushDelivery.findFirst({ where: { passId: p.passId, versionTag: pass.versionTag } }));
    }
    goneRecordId = (await db().customer.findFirstOrThrow({ where: { tenantId: t.tenant.id, email: gone.email } })).id;
    const cli = await runCli(["customer", "erase", "--tenant", t.slug, "--email", gone.email.toUpperCase(), "--json"]);
    expect(cli.stderr).toBe("");
    expect(cli.code).toBe(0);
    erased = JSON.parse(cli.stdout) as ErasureResult;
  }, 180_000);

  afterAll(async () => {
    await merchant?.close();
  });

  it("reports what it removed, as counts of each kind", () => {
    expect(merchant.received.length).toBeGreaterThanOrEqual(2); // both customers' profile changes were synced back
    expect(erased).toMatchObject({
      customerRecordId: goneRecordId,
      tenant: { slug: t.slug },
      pushed: 1,
      counts: { customers: 1, identifiers: 1, passes: 1, registrations: 1, tasks: 3, receipts: 4 },
    });
    expect(erased.counts.passChanges).toBeGreaterThanOrEqual(2);
    // issued, installed (first device), updated twice by pushUpdate
    expect(erased.counts.passEvents).toBeGreaterThanOrEqual(4);
    expect(erased.counts.pushDeliveries).toBeGreaterThanOrEqual(2);
    expect(erased.counts.executorRuns).toBeGreaterThanOrEqual(3);
  });

  it.skipIf(inject("databaseEmbedded"))("leaves none of the customer's email, phone, name or customerId in a pg_dump, and the other customer's data intact", async () => {
    const dump = await pgDump();
    const lower = dump.toLowerCase();
    for (const value of [gone.email, gone.e164, gone.written, gone.first, gone.last, gone.customerId, gone.loyaltyNumber]) {
      expect(lower.includes(value.toLowerCase()), `the dump still holds ${value}`).toBe(false);
    }
    for (const value of [kept.email, kept.e164, kept.written, kept.first, kept.last, kept.customerId, kept.loyaltyNumber]) {
      expect(dump.includes(value), `the dump lost ${value} of the other customer`).toBe(true);
    }
  });

  it("anonymises the rows and keeps the other customer's", async () => {
    const customer = await db().customer.findUniqueOrThrow({ where: { id: goneRecordId }, include: { identifiers: true } });
    expect(customer).toMatchObject({ email: null, phone: null, customerId: null, klaviyoProfileId: null, properties: {}, consent: {}, identifiers: [] });
    expect(customer.erasedAt).not.toBeNull();
    const pass = await db().pass.findUniqueOrThrow({ where: { id: passes.gone.passId } });
    expect(pass).toMatchObject({ voided: true, data: {}, metadata: {} });
    expect(await db().passChange.count({ where: { passId: pass.id } })).toBe(0);
    expect(await db().passEvent.count({ where: { passId: pass.id } })).toBe(0);
    const tasks = await db().syncTask.findMany({ where: { tenantId: t.tenant.id, erasedAt: { not: null } } });
    expect(tasks).toHaveLength(3);
    for (const task of tasks) expect(task).toMatchObject({ input: {}, output: null, lastError: null, dedupeKey: null });
    const receipts = await db().webhookReceipt.findMany({ where: { tenantId: t.tenant.id, erasedAt: { not: null } } });
    expect(receipts).toHaveLength(4);
    for (const r of receipts) expect(r).toMatchObject({ rawBody: "", headers: {}, idempotencyKey: null });

    const other = await db().customer.findFirstOrThrow({ where: { tenantId: t.tenant.id, email: kept.email } });
    expect(other).toMatchObject({ phone: kept.e164, customerId: kept.customerId, erasedAt: null, properties: { first_name: kept.first, last_name: kept.last } });
    const otherPass = await db().pass.findUniqueOrThrow({ where: { id: passes.kept.passId } });
    expect(otherPass).toMatchObject({ voided: false, erasedAt: null, data: { memberName: `${kept.first} ${kept.last}`, points: 30 } });
    expect(await db().syncTask.count({ where: { tenantId: t.tenant.id, erasedAt: null } })).toBe(3);
    expect(await db().registration.count({ where: { passId: otherPass.id } })).toBe(1);
    expect(await db().passEvent.count({ where: { passId: otherPass.id } })).toBeGreaterThanOrEqual(4);
  });

  it("pushes the voided version; the device fetches it voided and empty; after the grace period the web service answers as for an unknown pass", async () => {
    const pass = await db().pass.findUniqueOrThrow({ where: { id: passes.gone.passId } });
    const delivery = await eventually(() => db().pushDelivery.findFirst({ where: { passId: pass.id, versionTag: pass.versionTag } }));
    expect(delivery).toMatchObject({ correlationId: erased.correlationId });
    const control = inject("apnsMock").controlUrl;
    const received = (await (await fetch(`${control}/received?token=${passes.gone.device.pushToken}`)).json()) as { pushes: unknown[] };
    expect(received.pushes.length).toBeGreaterThanOrEqual(3); // two updates and the voided version

    // as Wallet does on the push: list what changed, download it, and show it voided
    const device = passes.gone.device;
    const listed = await device.list(passes.gone.passTypeIdentifier);
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { serialNumbers: string[] }).serialNumbers).toContain(passes.gone.serialNumber);
    const download = await device.download(passes.gone);
    expect(download.status).toBe(200);
    const passJson = JSON.parse(readZip(Buffer.from(await download.arrayBuffer())).get("pass.json")!.toString("utf8")) as Record<string, unknown>;
    expect(passJson.voided).toBe(true);
    const fileText = JSON.stringify(passJson).toLowerCase();
    for (const value of [gone.email, gone.e164, gone.customerId, gone.first, gone.last]) expect(fileText).not.toContain(value.toLowerCase());

    // the grace period over, its registrations go and the pass is unknown
    expect(await dropErasedPassRegistrations(new Date(Date.now() + ERASED_PASS_GRACE_MS - 60_000))).toBe(0);
    expect(await dropErasedPassRegistrations(new Date(Date.now() + ERASED_PASS_GRACE_MS + 60_000))).toBeGreaterThanOrEqual(1);
    expect(await db().registration.count({ where: { passId: pass.id } })).toBe(0);

    expect((await device.download(passes.gone)).status).toBe(401);
    expect((await device.register(passes.gone)).status).toBe(401);
    expect((await device.list(passes.gone.passTypeIdentifier)).status).toBe(204);
    const signed = await runCli(["pass", "link", "--tenant", t.slug, "--serial", passes.gone.serialNumber]);
    expect(signed).toMatchObject({ code: 1, stderr: expect.stringMatching(/has no pass/) });
    expect((await passes.kept.device.download(passes.kept)).status).toBe(200);
  });

  it("audits who erased which record and how many rows of each kind, without the personal data", async () => {
    const row = await db().auditLog.findFirstOrThrow({ where: { action: "customer.erase", targetId: goneRecordId } });
    expect(row).toMatchObject({ actor: "cli", targetType: "Customer", tenantId: t.tenant.id, details: { counts: erased.counts } });
    const text = JSON.stringify(row).toLowerCase();
    for (const value of [gone.email, gone.e164, gone.customerId, gone.first, gone.last]) expect(text).not.toContain(value.toLowerCase());
  });

  it("creates nothing for a later webhook about the same email", async () => {
    const customers = await db().customer.count({ where: { tenantId: t.tenant.id } });
    const push = await webhook(t.slug, "passes/pushUpdate", t.apiKey, { identifiers: { email: gone.email }, additionalData: { points: "40" } });
    expect(push).toMatchObject({ status: "FAILED", errorCode: "pass_not_found" });
    const sync = await webhook(t.slug, "profiles/sync", t.apiKey, { email: gone.email, phone_number: gone.written });
    expect(sync).toMatchObject({ status: "SUCCEEDED", output: { skipped: "customer_not_found" } });
    expect(await db().customer.count({ where: { tenantId: t.tenant.id } })).toBe(customers);
    expect(await db().pass.count({ where: { tenantId: t.tenant.id, erasedAt: null } })).toBe(1);
    // an erased customer cannot be erased twice, and is not found by what it was
    const again = await runCli(["customer", "erase", "--tenant", t.slug, "--customer-id", gone.customerId]);
    expect(again).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error: no customer/) });
  });
});

describe("DELETE /api/{tenantId}/v1/customers/{customerId}", () => {
  it("needs Passes.Write (401 without a credential, 403 with a listener key), 404 for an unknown customer, 204 when erased", async () => {
    const t = await makeTenant({ prefix: "erase-api" });
    const p = person("api");
    const { serialNumber } = await issuePass({ tenant: t.slug, passType: "basic", identifiers: { email: p.email, customerId: p.customerId }, data: { memberName: p.first } });
    const { key, prefix } = await createApiKey({ tenant: t.slug, name: "erasure", scopes: [PASSES_WRITE_SCOPE], actor: "test" });

    const anonymous = await deleteCustomer(t.slug, p.customerId);
    expect(anonymous.status).toBe(401);
    const listenerKey = await deleteCustomer(t.slug, p.customerId, t.apiKey);
    expect(listenerKey.status).toBe(403);
    expect(listenerKey.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(await listenerKey.json()).toMatchObject({ status: 403, detail: "the API key lacks scope Passes.Write" });
    const unknown = await deleteCustomer(t.slug, "CID-nobody", key);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect((await db().customer.findFirstOrThrow({ where: { tenantId: t.tenant.id } })).email).toBe(p.email);

    const res = await deleteCustomer(t.slug, p.customerId, key);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    const customer = await db().customer.findFirstOrThrow({ where: { tenantId: t.tenant.id } });
    expect(customer).toMatchObject({ email: null, customerId: null });
    expect(await db().pass.findUniqueOrThrow({ where: { serialNumber } })).toMatchObject({ voided: true, data: {} });
    expect(await db().auditLog.findFirstOrThrow({ where: { action: "customer.erase", targetId: customer.id } })).toMatchObject({ actor: `apikey:${prefix}` });
    expect((await deleteCustomer(t.slug, p.customerId, key)).status).toBe(404);
    expect((await fetch(`${APP}/api/${t.slug}/v1/customers/${p.customerId}`)).status).toBe(405);
  });

  it("is in the OpenAPI document", async () => {
    const doc = (await (await fetch(`${APP}/api/openapi.json`)).json()) as { paths: Record<string, { delete?: { operationId: string; responses: Record<string, unknown> } }> };
    expect(doc.paths["/api/{tenantId}/v1/customers/{customerId}"]?.delete).toMatchObject({ operationId: "eraseCustomer", responses: { "204": {}, "403": {}, "404": {} } });
  });
});
