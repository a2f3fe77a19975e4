import { describe, expect, it, inject } from "vitest";
import { db } from "../db/client";
import { createApiKey, PASSES_WRITE_SCOPE } from "../tenants/api-keys";
import { klaviyoSample, type RejectedSamples } from "@/server/tooling/testing/klaviyo-samples";
import { issueJanePass, makeTenant } from "@/server/tooling/testing/tenants";
import { waitForTask } from "@/server/tooling/testing/tasks";
import { replayTask } from "@/server/tasks/replay";

const appUrl = inject("appUrl");
const ISSUE = "webhooks/listeners/klaviyo/passes/issue";
const PUSH = "webhooks/listeners/klaviyo/passes/pushUpdate";

/** A tenant with a listener key (KlaviyoListener.Write) and a merchant API key (Passes.Write). */
async function distributionTenant() {
  const t = await makeTenant({ prefix: "dist" });
  const { key } = await createApiKey({ tenant: t.slug, name: "merchant", scopes: [PASSES_WRITE_SCOPE], actor: "test" });
  return { ...t, passesKey: key };
}

function call(method: string, slug: string, path: string, key: string, body?: string | object, headers: Record<string, string> = {}) {
  return fetch(`${appUrl}/api/${slug}/${path}`, {
    method,
    headers: { "content-type": "application/json", authorization: `Bearer ${key}`, ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function expectProblem(res: Response, status: number, field?: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(res.headers.get("x-correlation-id")).toBeTruthy();
  const body = (await res.json()) as { status: number; errors?: { field: string }[] };
  expect(body.status).toBe(status);
  if (field) expect(body.errors?.map((e) => e.field)).toContain(field);
  return body;
}

/** Rows of every table a delivery could write, for one tenant. */
async function rowCounts(tenantId: string) {
  const passIds = (await db().pass.findMany({ where: { tenantId }, select: { id: true } })).map((p) => p.id);
  return {
    receipts: await db().webhookReceipt.count({ where: { tenantId } }),
    tasks: await db().syncTask.count({ where: { tenantId } }),
    customers: await db().customer.count({ where: { tenantId } }),
    passes: passIds.length,
    passChanges: await db().passChange.count({ where: { passId: { in: passIds } } }),
    passEvents: await db().passEvent.count({ where: { tenantId } }),
    versionTags: (await db().pass.findMany({ where: { tenantId }, select: { versionTag: true }, orderBy: { id: "asc" } })).map((p) => p.versionTag.toString()),
  };
}

const LINK = (slug: string) => ({
  page: expect.stringMatching(new RegExp(`^${appUrl}/p/${slug}/[0-9a-f-]{36}\\?expires=\\d+&signature=[\\w-]+$`)),
  pkpass: expect.stringMatching(new RegExp(`^${appUrl}/api/${slug}/passes/[0-9a-f-]{36}\\.pkpass\\?expires=\\d+&signature=[\\w-]+$`)),
  expiresAt: expect.any(String),
  googleSave: null, // the tenant has no Google Wallet issuer
});

describe("POST /api/{tenantId}/v1/passes", () => {
  it("issues a pass (201), then answers 200 with the same pass and the data applied as an update; GET has the same shape", async () => {
    const t = await distributionTenant();
    const body = { passType: "basic", identifiers: { email: " Lee.Chen@Example.com ", customerId: "CUST-9" }, data: { memberName: "Lee Chen", points: "250" } };
    const first = await call("POST", t.slug, "v1/passes", t.passesKey, body);
    expect(first.status).toBe(201);
    expect(first.headers.get("x-correlation-id")).toBeTruthy();
    const issued = await first.json();
    expect(issued).toEqual({
      serialNumber: expect.stringMatching(/^[0-9a-f-]{36}$/),
      passTypeIdentifier: `pass.dev.passflow.${t.slug}`,
      passType: "basic",
      customer: { email: "lee.chen@example.com", phone: null, customerId: "CUST-9", custom: {} },
      data: { memberName: "Lee Chen", points: 250, tier: "Member" },
      links: LINK(t.slug),
    });
    expect(issued.links.page).toContain(`/p/${t.slug}/${issued.serialNumber}?`);
    // the links live the tenant's passLinkTtlDays (default 7)
    expect(Date.parse(issued.links.expiresAt) - Date.now()).toBeGreaterThan(7 * 86400_000 - 60_000);
    const pass = await db().pass.findUniqueOrThrow({ where: { serialNumber: issued.serialNumber } });
    expect(await db().passEvent.findMany({ where: { passId: pass.id }, select: { kind: true } })).toEqual([{ kind: "ISSUED" }]);

    const again = await call("POST", t.slug, "v1/passes", t.passesKey, { passType: "basic", identifiers: { customerId: "CUST-9" }, data: { points: "1,250" } });
    expect(again.status).toBe(200);
    const updated = await again.json();
    expect(updated).toMatchObject({ serialNumber: issued.serialNumber, data: { memberName: "Lee Chen", points: 1250, tier: "Member" } });
    expect(await db().pass.count({ where: { tenantId: t.tenant.id } })).toBe(1);
    const after = await db().pass.findUniqueOrThrow({ where: { id: pass.id } });
    expect(after.versionTag > pass.versionTag).toBe(true);
    const change = await db().passChange.findFirstOrThrow({ where: { passId: pass.id } });
    expect(change).toMatchObject({ versionTag: after.versionTag, taskId: null, changes: { points: { before: 250, after: 1250 } } });

    // the same values again change nothing: 200, same version
    const same = await call("POST", t.slug, "v1/passes", t.passesKey, { passType: "basic", identifiers: { customerId: "CUST-9" }, data: { points: 1250 } });
    expect(same.status).toBe(200);
    expect((await db().pass.findUniqueOrThrow({ where: { id: pass.id } })).versionTag).toBe(after.versionTag);

    const got = await call("GET", t.slug, `v1/passes/${issued.serialNumber}`, t.passesKey);
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual({ ...updated, links: LINK(t.slug) });
  });

  it("refuses bad requests with problem+json naming the field, and writes nothing", async () => {
    const t = await distributionTenant();
    const before = await rowCounts(t.tenant.id);
    const post = (body: unknown, key = t.passesKey) => call("POST", t.slug, "v1/passes", key, body as object);
    await expectProblem(await post({ identifiers: { email: "a@example.com" } }), 400, "passType");
    await expectProblem(await post({ passType: "basic" }), 400, "identifiers");
    await expectProblem(await post({ passType: "basic", identifiers: {} }), 400, "identifiers");
    await expectProblem(await post({ passType: "basic", identifiers: { email: "" } }), 400, "identifiers.email");
    await expectProblem(await post({ passType: "basic", identifiers: { email: "not-an-email" } }), 400, "identifiers.email");
    await expectProblem(await post({ passType: "basic", identifiers: { shoeSize: "42" } }), 400, "identifiers");
    await expectProblem(await post({ passType: "basic", identifiers: { email: "a@example.com" }, data: { points: "lots" } }), 400, "data.points");
    await expectProblem(await post({ passType: "basic", identifiers: { email: "a@example.com" }, data: { nope: "1" } }), 400, "data.nope");
    await expectProblem(await post({ passType: "gold", identifiers: { email: "a@example.com" } }), 404, "passType");
    await expectProblem(await post("[]"), 400, "body");
    await expectProblem(await call("POST", t.slug, "v1/passes", t.passesKey, "{}", { "content-type": "text/plain" }), 415);
    // a listener key lacks Passes.Write; no key at all is 401
    await expectProblem(await post({ passType: "basic", identifiers: { email: "a@example.com" } }, t.apiKey), 403);
    expect((await fetch(`${appUrl}/api/${t.slug}/v1/passes`, { method: "POST", body: "{}" })).status).toBe(401);
    expect(await rowCounts(t.tenant.id)).toEqual(before);
    await expectProblem(await call("GET", t.slug, "v1/passes/no-such-pass", t.passesKey), 404, "serialNumber");
    const wrongMethod = await call("GET", t.slug, "v1/passes", t.passesKey);
    expect([wrongMethod.status, wrongMethod.headers.get("allow")]).toEqual([405, "POST"]);
  });

  it("is in the OpenAPI document", async () => {
    const doc = await (await fetch(`${appUrl}/api/openapi.json`)).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/{tenantId}/v1/passes", "/api/{tenantId}/v1/passes/{serialNumber}", "/api/{tenantId}/webhooks/listeners/klaviyo/passes/issue"]));
    expect(doc.paths["/api/{tenantId}/v1/passes"].post.responses).toHaveProperty("201");
    expect(doc.components.schemas.IssuePassRequest.required).toEqual(expect.arrayContaining(["passType", "identifiers"]));
    expect(doc.components.schemas.Pass.properties.links.properties).toHaveProperty("page");
  });
});

describe("POST …/klaviyo/passes/issue", () => {
  it("answers 202, and its task issues the pass and records the links; a repeated delivery issues nothing", async () => {
    const t = await distributionTenant();
    const sample = klaviyoSample("flow-pass-issue.welcome.json");
    const res = await call("POST", t.slug, ISSUE, t.apiKey, sample.request.body as object, sample.request.headers);
    expect(res.status).toBe(sample.response.status);
    const { correlationId } = await res.json();
    expect(res.headers.get("x-correlation-id")).toBe(correlationId);
    const receipt = await db().webhookReceipt.findUniqueOrThrow({ where: { correlationId }, include: { tasks: true } });
    expect(receipt).toMatchObject({ endpoint: "PASS_ISSUE", responseStatus: 202 });
    expect(receipt.tasks[0]).toMatchObject({
      kind: "PASS_ISSUE",
      input: { identifiers: { email: "Ana.Garcia@example.com", customerId: "CUST-000077" }, passType: "basic", additionalData: { memberName: "Ana García", points: "100" } },
    });
    const task = await waitForTask(receipt.tasks[0]!.id);
    expect(task).toMatchObject({ status: "SUCCEEDED", errorCode: null });
    const pass = await db().pass.findFirstOrThrow({ where: { tenantId: t.tenant.id }, include: { customer: true } });
    expect(pass.customer).toMatchObject({ email: "ana.garcia@example.com", customerId: "CUST-000077" });
    expect(pass.data).toEqual({ memberName: "Ana García", points: 100, tier: "Member" });
    expect(task.output).toMatchObject({ created: true, changed: false, passId: pass.id, serialNumber: pass.serialNumber, passType: "basic", links: LINK(t.slug) });
    expect(task.passId).toBe(pass.id);

    // Klaviyo's retry of the same send: the same event_id → the first answer, nothing new
    const repeat = await call("POST", t.slug, ISSUE, t.apiKey, sample.request.body as object, sample.request.headers);
    expect(repeat.status).toBe(202);
    expect((await repeat.json()).correlationId).toBe(correlationId);
    expect(await db().syncTask.count({ where: { tenantId: t.tenant.id } })).toBe(1);

    // another send for the same customer and pass type finds the pass and applies the values
    const other = await call("POST", t.slug, ISSUE, t.apiKey, { identifiers: { customerId: "CUST-000077" }, passType: "basic", additionalData: { points: "150" } }, { "idempotency-key": "second-send" });
    expect(other.status).toBe(202);
    const second = await db().syncTask.findFirstOrThrow({ where: { tenantId: t.tenant.id, correlationId: (await other.json()).correlationId } });
    const done = await waitForTask(second.id);
    expect(done.output).toMatchObject({ created: false, changed: true, serialNumber: pass.serialNumber, changedKeys: ["points"] });
    expect(await db().pass.count({ where: { tenantId: t.tenant.id } })).toBe(1);
    expect((await db().pass.findUniqueOrThrow({ where: { id: pass.id } })).data).toMatchObject({ points: 150 });
    expect(await db().passEvent.count({ where: { passId: pass.id, kind: "ISSUED" } })).toBe(1);
  });

  it("a failed issue is replayable once its cause is fixed, and a replay never issues a second pass", async () => {
    const t = await distributionTenant();
    const res = await call("POST", t.slug, ISSUE, t.apiKey, { identifiers: { email: "replay@example.com" }, passType: "vip" });
    expect(res.status).toBe(202);
    const task = await db().syncTask.findFirstOrThrow({ where: { tenantId: t.tenant.id } });
    expect(await waitForTask(task.id)).toMatchObject({ status: "FAILED", errorCode: "pass_type_not_found" });
    expect(await db().pass.count({ where: { tenantId: t.tenant.id } })).toBe(0);
    // the merchant's pass type appears (here: premium renamed vip), then the task is replayed
    await db().passType.update({ where: { tenantId_key: { tenantId: t.tenant.id, key: "premium" } }, data: { key: "vip" } });
    const replay = await waitForTask((await replayTask({ taskId: task.id, actor: "test" })).id);
    expect(replay).toMatchObject({ status: "SUCCEEDED", replayOfId: task.id, output: { created: true, passType: "vip", links: LINK(t.slug) } });
    const again = await waitForTask((await replayTask({ taskId: replay.id, actor: "test", force: true })).id);
    expect(again).toMatchObject({ status: "SUCCEEDED", output: { created: false, changed: false, serialNumber: (replay.output as { serialNumber: string }).serialNumber } });
    expect(await db().pass.count({ where: { tenantId: t.tenant.id } })).toBe(1);
  });

  it("refuses the rejected samples naming the field, storing nothing", async () => {
    const t = await distributionTenant();
    const { cases } = klaviyoSample<RejectedSamples>("flow-pass-issue.rejected.json");
    for (const c of cases) await expectProblem(await call("POST", t.slug, ISSUE, t.apiKey, c.body), c.status, c.field);
    expect(await db().webhookReceipt.count({ where: { tenantId: t.tenant.id } })).toBe(0);
    // the listener's scope: a Passes.Write key is refused
    await expectProblem(await call("POST", t.slug, ISSUE, t.passesKey, klaviyoSample("flow-pass-issue.welcome.json").request.body as object), 403);
  });
});

describe("?dryRun=1", () => {
  it("pushUpdate: answers the diff it would apply, writing nothing", async () => {
    const t = await distributionTenant();
    const { serialNumber } = await issueJanePass(t.slug);
    const before = await rowCounts(t.tenant.id);
    const body = klaviyoSample("flow-push-update.points.json").request.body as object;
    const res = await call("POST", t.slug, `${PUSH}?dryRun=1`, t.apiKey, body);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      dryRun: true,
      pass: serialNumber,
      changes: [
        { key: "points", from: 980, to: 1480 },
        { key: "tier", from: "Member", to: "Gold" },
      ],
    });
    // the problem it would fail with, as the task would: nobody holds a pass for this email
    await expectProblem(await call("POST", t.slug, `${PUSH}?dryRun=1`, t.apiKey, { identifiers: { email: "nobody@example.com" }, additionalData: { points: "1" } }), 404, "identifiers");
    await expectProblem(await call("POST", t.slug, `${PUSH}?dryRun=1`, t.apiKey, { identifiers: { email: "jane.doe@example.com" }, additionalData: { points: "lots" } }), 400, "additionalData.points");
    await expectProblem(await call("POST", t.slug, `${PUSH}?dryRun=maybe`, t.apiKey, body), 400, "dryRun");
    expect(await rowCounts(t.tenant.id)).toEqual(before);
    // a real delivery afterwards still applies (the dry run left no idempotency key behind)
    expect((await call("POST", t.slug, PUSH, t.apiKey, body)).status).toBe(200);
    expect((await rowCounts(t.tenant.id)).receipts).toBe(before.receipts + 1);
  });

  it("passes/issue: says what it would create or update, writing nothing", async () => {
    const t = await distributionTenant();
    const { serialNumber } = await issueJanePass(t.slug);
    const before = await rowCounts(t.tenant.id);
    const create = await call("POST", t.slug, `${ISSUE}?dryRun=1`, t.apiKey, klaviyoSample("flow-pass-issue.welcome.json").request.body as object);
    expect(create.status).toBe(200);
    expect(await create.json()).toEqual({
      dryRun: true,
      action: "create",
      pass: null,
      passType: "basic",
      changes: [
        { key: "memberName", from: null, to: "Ana García" },
        { key: "points", from: null, to: 100 },
        { key: "tier", from: null, to: "Member" },
      ],
    });
    const update = await call("POST", t.slug, `${ISSUE}?dryRun=true`, t.apiKey, { identifiers: { email: "jane.doe@example.com" }, passType: "basic", additionalData: { points: "990" } });
    expect(await update.json()).toEqual({ dryRun: true, action: "update", pass: serialNumber, passType: "basic", changes: [{ key: "points", from: 980, to: 990 }] });
    await expectProblem(await call("POST", t.slug, `${ISSUE}?dryRun=1`, t.apiKey, { identifiers: { email: "jane.doe@example.com" }, passType: "gold" }), 404, "passType");
    expect(await rowCounts(t.tenant.id)).toEqual(before);
  });
});

describe("the Add to Wallet page", () => {
  const events = (passId: string, kind: "PAGE_OPENED" | "DOWNLOADED") => db().passEvent.findMany({ where: { passId, kind }, select: { platform: true, detail: true } });

  it("opens from the page link (PAGE_OPENED per GET, not HEAD) and its button downloads the .pkpass (DOWNLOADED, APPLE); a page signature does not open the .pkpass", async () => {
    const t = await distributionTenant();
    const issued = await (await call("POST", t.slug, "v1/passes", t.passesKey, { passType: "basic", identifiers: { email: "page@example.com" }, data: { memberName: "Page Reader", points: 4321 } })).json();
    const pass = await db().pass.findUniqueOrThrow({ where: { serialNumber: issued.serialNumber } });

    const page = await fetch(issued.links.page);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain("Add to Apple Wallet");
    expect(html).toContain("Page Reader");
    expect(html).toContain("4,321");
    expect(html).toContain(`href="${issued.links.pkpass.replaceAll("&", "&amp;")}"`);
    expect(await events(pass.id, "PAGE_OPENED")).toEqual([{ platform: null, detail: null }]);
    expect((await fetch(issued.links.page, { method: "HEAD" })).status).toBe(200);
    expect(await events(pass.id, "PAGE_OPENED")).toHaveLength(1);
    expect((await fetch(issued.links.page)).status).toBe(200);
    expect(await events(pass.id, "PAGE_OPENED")).toHaveLength(2);

    expect((await fetch(issued.links.pkpass, { method: "HEAD" })).status).toBe(200);
    expect(await events(pass.id, "DOWNLOADED")).toHaveLength(0);
    const download = await fetch(issued.links.pkpass);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/vnd.apple.pkpass");
    expect(await events(pass.id, "DOWNLOADED")).toEqual([{ platform: "APPLE", detail: { via: "link" } }]);

    // each link's signature opens only its own kind of link
    const pageQuery = new URL(issued.links.page).search;
    expect((await fetch(`${issued.links.pkpass.split("?")[0]}${pageQuery}`)).status).toBe(401);
    const pkpassQuery = new URL(issued.links.pkpass).search;
    const wrongKind = await fetch(`${issued.links.page.split("?")[0]}${pkpassQuery}`);
    expect(wrongKind.status).toBe(404);
    expect(await wrongKind.text()).toContain("This link does not work");
    expect((await fetch(issued.links.page.replace(/signature=(.)/, (_m: string, c: string) => `signature=${c === "A" ? "B" : "A"}`))).status).toBe(404);
    expect((await fetch(issued.links.page.split("?")[0]!)).status).toBe(404);
    expect(await events(pass.id, "PAGE_OPENED")).toHaveLength(2);
    expect(await events(pass.id, "DOWNLOADED")).toHaveLength(1);
  });

  it("an expired link says to ask for a new one, with 410", async () => {
    const t = await distributionTenant();
    const { serialNumber } = await issueJanePass(t.slug);
    const { passLinks } = await import("@/server/wallet/links");
    const old = await passLinks({ tenant: t.slug, serialNumber, ttlSeconds: 3600, now: new Date(Date.now() - 2 * 3600_000) });
    const url = new URL(old.page);
    const res = await fetch(`${appUrl}${url.pathname}${url.search}`);
    expect(res.status).toBe(410);
    const html = await res.text();
    expect(html).toContain("This link has expired");
    expect(html).toContain("Ask the sender for a new link");
    expect(html).not.toContain("Add to Apple Wallet");
    expect(await db().passEvent.count({ where: { tenantId: t.tenant.id, kind: "PAGE_OPENED" } })).toBe(0);
  });
});
