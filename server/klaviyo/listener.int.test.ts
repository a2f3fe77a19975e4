import { describe, expect, it, inject, beforeAll } from "vitest";
import { db } from "../db/client";
import { createApiKey, KLAVIYO_LISTENER_SCOPE } from "../tenants/api-keys";
import { updateTenantSettings } from "../tenants/tenants";
import { hashToken } from "@/server/platform/crypto";
import { klaviyoSample, klaviyoSampleBytes, type RejectedSamples } from "@/server/tooling/testing/klaviyo-samples";
import { makeTenant } from "@/server/tooling/testing/tenants";
import { signAccessToken } from "@/server/tooling/testing/issuer";
import { TestBrowser } from "@/server/tooling/testing/browser";
import { TEST_PASSWORD } from "@/server/tooling/testing/console-fixtures";
import { uniqueSlug } from "@/server/tooling/testing/cli";
import { createStaff } from "@/server/staff/staff";
import { klaviyoSignature } from "./signature";
import { requestTenant } from "./listener";

const appUrl = inject("appUrl");
const oauth = inject("oauth");
const PUSH = "webhooks/listeners/klaviyo/passes/pushUpdate";
const SYNC = "webhooks/listeners/klaviyo/profiles/sync";

function post(slug: string, path: string, body: string | object, headers: Record<string, string> = {}) {
  return fetch(`${appUrl}/api/${slug}/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function tasksOf(tenantId: string) {
  return db().syncTask.findMany({ where: { tenantId }, orderBy: { createdAt: "asc" } });
}

async function expectProblem(res: Response, status: number, field?: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(res.headers.get("x-correlation-id")).toBeTruthy();
  const body = await res.json();
  expect(body).toMatchObject({ status, title: expect.any(String), type: expect.stringContaining("passflow.dev/problems/") });
  if (field) expect(body.errors.map((e: { field: string }) => e.field)).toContain(field);
  return body;
}

describe("pushUpdate: Klaviyo samples", () => {
  it("points: 200 with an empty body; receipt and QUEUED task written with the validated input", async () => {
    const t = await makeTenant();
    const f = klaviyoSample("flow-push-update.points.json").request;
    const res = await post(t.slug, PUSH, f.body as object, { ...f.headers, authorization: `Bearer ${t.apiKey}` });
    expect(res.status).toBe(klaviyoSample("flow-push-update.points.json").response.status);
    expect(await res.text()).toBe("");
    const correlationId = res.headers.get("x-correlation-id")!;
    expect(res.headers.get("ratelimit-limit")).toBe("3000");

    const receipt = await db().webhookReceipt.findUniqueOrThrow({ where: { correlationId }, include: { tasks: true } });
    expect(receipt).toMatchObject({ tenantId: t.tenant.id, endpoint: "PASS_PUSH_UPDATE", responseStatus: 200 });
    expect(JSON.parse(receipt.rawBody!)).toEqual(f.body);
    expect((receipt.headers as Record<string, string>).authorization).toBe("[redacted]");
    expect(JSON.stringify(receipt.headers)).not.toContain(t.apiKey);
    expect(receipt.tasks).toHaveLength(1);
    // written QUEUED with the receipt; the test app's executor may already have picked it up
    expect(receipt.tasks[0]!.queuedAt.getTime()).toBe(receipt.createdAt.getTime());
    expect(receipt.tasks[0]).toMatchObject({
      kind: "PASS_UPDATE",
      correlationId,
      input: { identifiers: { email: "JANE.Doe@example.com" }, passType: null, additionalData: { points: "1480", tier: "Gold" }, updateMetadata: false },
    });
  });

  it("upgrade: phone identifier, passType and updateMetadata \"true\"", async () => {
    const t = await makeTenant();
    const f = klaviyoSample("flow-push-update.upgrade.json").request;
    const res = await post(t.slug, PUSH, f.body as object, { ...f.headers, "x-api-key": t.apiKey });
    expect(res.status).toBe(200);
    const [task] = await tasksOf(t.tenant.id);
    expect(task!.input).toEqual({ identifiers: { phone: "415-555-0100" }, passType: "premium", additionalData: { tier: "Platinum" }, updateMetadata: true });
  });

  it("birthday offer: customerId plus the tenant's custom identifier", async () => {
    const t = await makeTenant({ customIdentifierKeys: ["loyaltyNumber"] });
    const f = klaviyoSample("flow-push-update.birthday.json").request;
    const res = await post(t.slug, PUSH, f.body as object, { ...f.headers, authorization: `Bearer ${t.apiKey}` });
    expect(res.status).toBe(200);
    const [task] = await tasksOf(t.tenant.id);
    expect(task!.input).toMatchObject({ identifiers: { customerId: "CUST-000042", loyaltyNumber: "LN-88-1207" }, additionalData: { couponCode: "HBD-JD-4F7K" } });
  });

  it("bad requests: each answered as problem+json naming the field, nothing stored", async () => {
    const t = await makeTenant();
    const { cases } = klaviyoSample<RejectedSamples>("flow-push-update.rejected.json");
    expect(cases.map((c) => c.field)).toEqual(["identifiers", "identifiers", "additionalData", "additionalData.__proto__", "body", "content-type"]);
    for (const c of cases) {
      const res = await post(t.slug, PUSH, c.body, { authorization: `Bearer ${t.apiKey}`, ...(c.contentType ? { "content-type": c.contentType } : {}) });
      await expectProblem(res, c.status, c.field);
    }
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(await tasksOf(t.tenant.id)).toHaveLength(0);
    expect(await db().webhookReceipt.count({ where: { tenantId: t.tenant.id } })).toBe(0);
  });

  it("wrong types, unknown identifier keys and bad phone numbers are 400 naming the field", async () => {
    const t = await makeTenant({ customIdentifierKeys: [] });
    const auth = { authorization: `Bearer ${t.apiKey}` };
    await expectProblem(await post(t.slug, PUSH, { identifiers: { email: "a@b.co" }, updateMetadata: "yes" }, auth), 400, "updateMetadata");
    await expectProblem(await post(t.slug, PUSH, { identifiers: { email: "a@b.co" }, additionalData: { points: { n: 1 } } }, auth), 400, "additionalData.points");
    await expectProblem(await post(t.slug, PUSH, { identifiers: { loyaltyNumber: "LN-1" } }, auth), 400, "identifiers");
    await expectProblem(await post(t.slug, PUSH, { identifiers: { phone: "12" } }, auth), 400, "identifiers.phone");
    await expectProblem(await post(t.slug, PUSH, [], auth), 400, "body");
    await expectProblem(await post(t.slug, PUSH, "", auth), 400, "body");
    expect(await tasksOf(t.tenant.id)).toHaveLength(0);
    // Klaviyo renders a boolean profile property as "True"/"False"
    expect((await post(t.slug, PUSH, { identifiers: { email: "a@b.co" }, updateMetadata: "True" }, auth)).status).toBe(200);
    expect((await tasksOf(t.tenant.id))[0]!.input).toMatchObject({ updateMetadata: true });
  });

  it("JSON must be UTF-8: another declared charset is 415, invalid UTF-8 is 400, a UTF-8 BOM is skipped", async () => {
    const t = await makeTenant();
    const send = (bytes: Buffer, contentType: string) =>
      fetch(`${appUrl}/api/${t.slug}/${PUSH}`, { method: "POST", headers: { "content-type": contentType, authorization: `Bearer ${t.apiKey}` }, body: new Uint8Array(bytes) });
    const json = '{"identifiers":{"email":"ana.garcia@example.com"},"additionalData":{"memberName":"Ana García López"}}';
    await expectProblem(await send(Buffer.from(json, "latin1"), "application/json; charset=iso-8859-1"), 415, "content-type");
    await expectProblem(await send(Buffer.from(json, "latin1"), "application/json"), 400, "body");
    expect(await tasksOf(t.tenant.id)).toHaveLength(0);
    expect((await send(Buffer.from(json, "utf8"), 'application/json; charset="UTF-8"')).status).toBe(200);
    expect((await send(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json, "utf8")]), "application/json")).status).toBe(200);
    const tasks = await tasksOf(t.tenant.id);
    expect(tasks.map((task) => task.input)).toEqual([
      expect.objectContaining({ additionalData: { memberName: "Ana García López" } }),
      expect.objectContaining({ additionalData: { memberName: "Ana García López" } }),
    ]);
  });

  it("413 for a body over 1 MiB, 415 without JSON content type, 405 for GET", async () => {
    const t = await makeTenant();
    const big = JSON.stringify({ identifiers: { email: "a@b.co" }, additionalData: { offer: "x".repeat(1024 * 1024) } });
    await expectProblem(await post(t.slug, PUSH, big, { authorization: `Bearer ${t.apiKey}` }), 413);
    const noType = await fetch(`${appUrl}/api/${t.slug}/${PUSH}`, { method: "POST", headers: { authorization: `Bearer ${t.apiKey}` }, body: "{}" });
    expect(noType.status).toBe(415);
    const get = await fetch(`${appUrl}/api/${t.slug}/${PUSH}`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect(get.headers.get("content-type")).toBe("application/problem+json");
    expect(await tasksOf(t.tenant.id)).toHaveLength(0);
  });
});

describe("pushUpdate: credentials and tenant gate", () => {
  const body = { identifiers: { email: "jane.doe@example.com" }, additionalData: { points: "1" } };

  it("401 without or with a bad credential; X-API-KEY accepted; lastUsedAt recorded", async () => {
    const t = await makeTenant();
    await expectProblem(await post(t.slug, PUSH, body), 401);
    await expectProblem(await post(t.slug, PUSH, body, { authorization: `Bearer ${t.apiKey}x` }), 401);
    // the key with its last character changed (to another one whatever it was)
    const altered = `${t.apiKey.slice(0, -1)}${t.apiKey.endsWith("A") ? "B" : "A"}`;
    await expectProblem(await post(t.slug, PUSH, body, { authorization: `Bearer ${altered}` }), 401);
    await expectProblem(await post(t.slug, PUSH, body, { authorization: "Basic abc" }), 401);
    expect((await post(t.slug, PUSH, body, { "x-api-key": t.apiKey })).status).toBe(200);
    await expect.poll(async () => (await db().apiKey.findUniqueOrThrow({ where: { prefix: t.prefix } })).lastUsedAt, { timeout: 10_000 }).toBeInstanceOf(Date);
    expect(await tasksOf(t.tenant.id)).toHaveLength(1);
  });

  it("a key revoked in the app (the console) is refused at once, though the app remembers verified keys", async () => {
    const t = await makeTenant();
    expect((await post(t.slug, PUSH, body, { authorization: `Bearer ${t.apiKey}` })).status).toBe(200); // verified, remembered
    const operator = await createStaff({ email: `${uniqueSlug("op")}@staff.example.com`, role: "OPERATOR", password: TEST_PASSWORD, actor: "test" });
    const browser = new TestBrowser(appUrl);
    expect((await browser.signIn(operator.email, TEST_PASSWORD)).searchParams.get("error")).toBeNull();
    expect((await browser.mutate("tenants.revokeApiKey", { prefix: t.prefix }, { origin: appUrl })).status).toBe(200);
    await expectProblem(await post(t.slug, PUSH, body, { authorization: `Bearer ${t.apiKey}` }), 401);
  });

  it("the listeners remember a tenant for a few seconds, and forget it when it changes through this process", async () => {
    const t = await makeTenant();
    expect((await requestTenant(t.slug)).status).toBe("ACTIVE");
    await db().tenant.update({ where: { id: t.tenant.id }, data: { status: "SUSPENDED" } }); // as another process would
    expect((await requestTenant(t.slug)).status).toBe("ACTIVE"); // remembered (TENANT_CACHE_SECONDS, 5 here)
    await updateTenantSettings(t.slug, { status: "SUSPENDED" }, "test");
    expect((await requestTenant(t.slug)).status).toBe("SUSPENDED");
    expect((await requestTenant(t.tenant.id)).status).toBe("SUSPENDED");
  });

  it("404 unknown tenant; 403 another tenant's key, suspended tenant, integration disabled; the id resolves too", async () => {
    const a = await makeTenant();
    const b = await makeTenant();
    await expectProblem(await post("no-such-tenant", PUSH, body, { authorization: `Bearer ${a.apiKey}` }), 404);
    const cross = await expectProblem(await post(b.slug, PUSH, body, { authorization: `Bearer ${a.apiKey}` }), 403);
    expect(cross.detail).toMatch(/another tenant/);
    expect((await post(a.tenant.id, PUSH, body, { authorization: `Bearer ${a.apiKey}` })).status).toBe(200);
    await updateTenantSettings(a.slug, { klaviyoEnabled: false }, "test");
    expect((await expectProblem(await post(a.slug, PUSH, body, { authorization: `Bearer ${a.apiKey}` }), 403)).detail).toMatch(/disabled/);
    await updateTenantSettings(a.slug, { klaviyoEnabled: true, status: "SUSPENDED" }, "test");
    expect((await expectProblem(await post(a.slug, PUSH, body, { authorization: `Bearer ${a.apiKey}` }), 403)).detail).toMatch(/suspended/);
    expect(await tasksOf(b.tenant.id)).toHaveLength(0);
    expect(await tasksOf(a.tenant.id)).toHaveLength(1);
  });

  it("OAuth2 JWT: accepted with the scope and tenant claim; refused for another tenant, wrong scope, expiry, audience", async () => {
    const t = await makeTenant();
    const good = await signAccessToken(oauth, { tenant: t.slug, scope: "openid KlaviyoListener.Write" });
    expect((await post(t.slug, PUSH, body, { authorization: `Bearer ${good}` })).status).toBe(200);
    const scp = await signAccessToken(oauth, { tenant: t.tenant.id, scp: ["KlaviyoListener.Write"] });
    expect((await post(t.slug, PUSH, body, { authorization: `Bearer ${scp}` })).status).toBe(200);
    await expectProblem(await post(t.slug, PUSH, body, { authorization: `Bearer ${await signAccessToken(oauth, { tenant: "other", scope: "KlaviyoListener.Write" })}` }), 403);
    await expectProblem(await post(t.slug, PUSH, body, { authorization: `Bearer ${await signAccessToken(oauth, { tenant: t.slug, scope: "Passes.Read" })}` }), 403);
    await expectProblem(await post(t.slug, PUSH, body, { authorization: `Bearer ${await signAccessToken(oauth, { tenant: t.slug, scope: "KlaviyoListener.Write" }, { expiresIn: Math.floor(Date.now() / 1000) - 60 })}` }), 401);
    await expectProblem(await post(t.slug, PUSH, body, { authorization: `Bearer ${await signAccessToken(oauth, { tenant: t.slug, scope: "KlaviyoListener.Write" }, { audience: "someone-else" })}` }), 401);
    await expectProblem(await post(t.slug, PUSH, body, { authorization: `Bearer ${good.slice(0, -4)}AAAA` }), 401);
    expect(await tasksOf(t.tenant.id)).toHaveLength(2);
  });

  it("throttles per credential with 429, Retry-After and RateLimit headers", async () => {
    const t = await makeTenant({ settings: { apiKeyRequestsPerMinute: 3 } });
    const auth = { authorization: `Bearer ${t.apiKey}` };
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(t.slug, PUSH, body, auth)).status);
    expect(statuses).toEqual([200, 200, 200]);
    const res = await post(t.slug, PUSH, body, auth);
    await expectProblem(res, 429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(res.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(res.headers.get("ratelimit-limit")).toBe("3");
    expect(res.headers.get("ratelimit-remaining")).toBe("0");
    expect(await tasksOf(t.tenant.id)).toHaveLength(3);
  });

  it("does not count a request the key's quota refused against the tenant's: other keys keep working", async () => {
    const t = await makeTenant({ settings: { apiKeyRequestsPerMinute: 2, tenantRequestsPerMinute: 5 } });
    const other = await createApiKey({ tenant: t.slug, name: "second flow", scopes: [KLAVIYO_LISTENER_SCOPE], actor: "test" });
    const send = async (key: string, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await post(t.slug, PUSH, body, { authorization: `Bearer ${key}` })).status);
      return out;
    };
    expect(await send(t.apiKey, 6)).toEqual([200, 200, 429, 429, 429, 429]);
    expect(await send(other.key, 2)).toEqual([200, 200]);
    const third = await createApiKey({ tenant: t.slug, name: "third flow", scopes: [KLAVIYO_LISTENER_SCOPE], actor: "test" });
    // the tenant's fifth request passes, its sixth is the tenant's quota
    expect(await send(third.key, 2)).toEqual([200, 429]);
    expect(await tasksOf(t.tenant.id)).toHaveLength(5);
  });

  it("a repeated Idempotency-Key answers as the first delivery and creates nothing", async () => {
    const t = await makeTenant();
    const headers = { authorization: `Bearer ${t.apiKey}`, "idempotency-key": "flow-123" };
    const first = await post(t.slug, PUSH, body, headers);
    const second = await post(t.slug, PUSH, body, headers);
    expect(second.status).toBe(200);
    expect(second.headers.get("x-correlation-id")).toBe(first.headers.get("x-correlation-id"));
    expect(await tasksOf(t.tenant.id)).toHaveLength(1);
    // the same body without the key is a new change (Gold → Silver → Gold must not be dropped)
    expect((await post(t.slug, PUSH, body, { authorization: `Bearer ${t.apiKey}` })).status).toBe(200);
    expect(await tasksOf(t.tenant.id)).toHaveLength(2);
  });

  it("keeps Idempotency-Keys per endpoint, refuses a reused key with another body (422) and keys over 200 characters (400)", async () => {
    const t = await makeTenant();
    const headers = { authorization: `Bearer ${t.apiKey}`, "idempotency-key": "evt-123" };
    expect((await post(t.slug, PUSH, body, headers)).status).toBe(200);
    const sync = await post(t.slug, SYNC, { email: "jane.doe@example.com", properties: { favorite: "espresso" } }, headers);
    expect(sync.status).toBe(202);
    expect((await tasksOf(t.tenant.id)).map((x) => x.kind).sort()).toEqual(["PASS_UPDATE", "PROFILE_SYNC"]);
    const changed = await post(t.slug, PUSH, { ...body, additionalData: { points: "2" } }, headers);
    await expectProblem(changed, 422, "Idempotency-Key");
    await expectProblem(await post(t.slug, PUSH, body, { ...headers, "idempotency-key": "k".repeat(201) }), 400, "Idempotency-Key");
    expect(await tasksOf(t.tenant.id)).toHaveLength(2);
  });

  it("refuses a NUL character in any string or key with 400 naming the field, and stores nothing", async () => {
    const t = await makeTenant();
    const auth = { authorization: `Bearer ${t.apiKey}` };
    await expectProblem(await post(t.slug, PUSH, { identifiers: { email: "a\u0000b@example.com" } }, auth), 400, "identifiers.email");
    await expectProblem(await post(t.slug, PUSH, { identifiers: { email: "a@example.com" }, additionalData: { tier: "a\u0000b" } }, auth), 400, "additionalData.tier");
    await expectProblem(await post(t.slug, SYNC, { email: "a@b.co", properties: { "x\u0000": 1 } }, auth), 400, "properties");
    expect(await tasksOf(t.tenant.id)).toHaveLength(0);
  });

  it("refuses an unpaired UTF-16 surrogate in any string or key with 400 naming the field (jsonb cannot hold it); a proper pair is kept", async () => {
    const t = await makeTenant();
    const auth = { authorization: `Bearer ${t.apiKey}` };
    const lone = await post(t.slug, PUSH, { identifiers: { email: "a@example.com" }, additionalData: { tier: "\ud800x" } }, auth);
    const problem = await expectProblem(lone, 400, "additionalData.tier");
    expect(JSON.stringify(problem)).toMatch(/unpaired UTF-16 surrogate/);
    await expectProblem(await post(t.slug, PUSH, { identifiers: { email: "a@example.com", "\ud83d": "x" } }, auth), 400, "identifiers");
    await expectProblem(await post(t.slug, SYNC, { email: "a@b.co", properties: { nick: "\udc00" } }, auth), 400, "properties.nick");
    expect(await tasksOf(t.tenant.id)).toHaveLength(0);
    const paired = await post(t.slug, SYNC, { email: "a@b.co", properties: { nick: "J\ud83d\ude00" } }, auth);
    expect(paired.status).toBe(202);
    const [task] = await tasksOf(t.tenant.id);
    expect(task!.input).toMatchObject({ properties: { nick: "J😀" } });
  });

  it("checks every level of a deeply nested body: a NUL 1,000 levels down is refused, 100,000 levels of nesting are no 5xx", async () => {
    const t = await makeTenant();
    const auth = { authorization: `Bearer ${t.apiKey}` };
    const base = { identifiers: { email: "a@example.com" } };
    let deep: unknown = "a\u0000";
    for (let i = 0; i < 1000; i++) deep = [deep];
    await expectProblem(await post(t.slug, PUSH, { ...base, extra: deep }, auth), 400, `extra${".0".repeat(1000)}`);
    const nested = `{"identifiers":{"email":"a@example.com"},"extra":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    expect((await post(t.slug, PUSH, nested, auth)).status).toBe(200);
  });
});

describe("profiles/sync", () => {
  it("flow body: 202 with the correlation id in body and header", async () => {
    const t = await makeTenant();
    const f = klaviyoSample("flow-profile-sync.json").request;
    const res = await post(t.slug, SYNC, f.body as object, { ...f.headers, authorization: `Bearer ${t.apiKey}` });
    expect(res.status).toBe(202);
    const { correlationId } = await res.json();
    expect(correlationId).toBeTruthy();
    expect(res.headers.get("x-correlation-id")).toBe(correlationId);
    const [task] = await tasksOf(t.tenant.id);
    expect(task).toMatchObject({ kind: "PROFILE_SYNC", correlationId }); // QUEUED, or already picked up by the test app's executor
    expect(task!.input).toMatchObject({ source: "flow", email: "jane.doe@example.com", phone: "+1 415-555-0177", origin: null });
  });

  it("flow body needs email or phone_number; consent values are checked", async () => {
    const t = await makeTenant();
    const auth = { authorization: `Bearer ${t.apiKey}` };
    await expectProblem(await post(t.slug, SYNC, { email: "", phone_number: null }, auth), 400, "email");
    await expectProblem(await post(t.slug, SYNC, { email: "a@b.co", consent: { sms: "MAYBE" } }, auth), 400, "consent.sms");
    const suppressed = { consent: "SUBSCRIBED", can_receive_email_marketing: false, suppression: [{ reason: "BOUNCED_TWICE", timestamp: "2026-11-29T18:20:05+00:00" }] };
    await expectProblem(await post(t.slug, SYNC, { email: "a@b.co", subscriptions: { email: { marketing: suppressed } } }, auth), 400, "subscriptions.email.marketing.suppression.0.reason");
    await expectProblem(await post(t.slug, SYNC, { phone_number: "12" }, auth), 400, "phone_number");
    const ok = await post(t.slug, SYNC, { email: "a@b.co", consent: { sms: "subscribed", email: "NEVER_SUBSCRIBED" }, properties: { vip: true }, origin: "merchant" }, auth);
    expect(ok.status).toBe(202);
    const [task] = await tasksOf(t.tenant.id);
    expect(task!.input).toMatchObject({ consent: { sms: { status: "SUBSCRIBED" }, email: { status: "NEVER_SUBSCRIBED" } }, properties: { vip: true }, origin: "merchant" });
  });

  it("an email that is not an email address is a 400 naming `email`, and nothing is stored", async () => {
    const t = await makeTenant();
    const auth = { authorization: `Bearer ${t.apiKey}` };
    for (const email of ["<script>alert(1)</script>", "\u{1F4A5}", "jane.doe", "jane@", "@example.com", "jane doe@example.com"]) {
      const body = await expectProblem(await post(t.slug, SYNC, { email, properties: { tier: "Gold" } }, auth), 400, "email");
      expect(body.errors).toEqual([{ field: "email", message: "must be an email address" }]);
    }
    expect(await tasksOf(t.tenant.id)).toHaveLength(0);
    expect(await db().webhookReceipt.count({ where: { tenantId: t.tenant.id } })).toBe(0);
    // a real one, in any case and with spaces around it, is accepted as it was sent, trimmed
    const ok = await post(t.slug, SYNC, { email: "  Jane.Doe@Example.com ", phone_number: "" }, auth);
    expect(ok.status).toBe(202);
    expect((await tasksOf(t.tenant.id))[0]!.input).toMatchObject({ email: "Jane.Doe@Example.com", phone: null });
  });

  describe("system webhook (HMAC)", () => {
    const sample = klaviyoSample("system-sms-subscribed.json");
    const f = { ...sample.request, ...sample.signing! };
    const raw = klaviyoSampleBytes(f.bodyFile!);
    let t: Awaited<ReturnType<typeof makeTenant>>;

    beforeAll(async () => {
      t = await makeTenant({ settings: { klaviyoWebhookSecret: f.secret } });
    });

    function signed(body = raw, opts: { secret?: string; timestamp?: string; webhookId?: string } = {}) {
      const timestamp = opts.timestamp ?? new Date().toUTCString();
      return {
        "content-type": "application/json",
        "klaviyo-webhook-id": opts.webhookId ?? f.headers["Klaviyo-Webhook-Id"]!,
        "klaviyo-timestamp": timestamp,
        "klaviyo-signature": klaviyoSignature(opts.secret ?? f.secret, body, timestamp),
      };
    }

    it("the sample's own signature verifies at its timestamp", async () => {
      const { verifyKlaviyoSignature } = await import("./signature");
      expect(
        verifyKlaviyoSignature({
          secrets: [f.secret],
          rawBody: raw,
          signature: f.headers["Klaviyo-Signature"]!,
          timestamp: f.headers["Klaviyo-Timestamp"]!,
          now: Date.parse("2026-11-30T14:06:00Z"),
        }),
      ).toEqual({ ok: true });
    });

    it("an event time that is no date (out-of-range timestamp, unparsable datetime) is a 400 naming it, not a 500", async () => {
      const envelope = JSON.parse(raw) as { data: { external_id: string; payload: { data: { attributes: Record<string, unknown> } } }[] };
      const attributes = envelope.data[0]!.payload.data.attributes;
      envelope.data[0]!.external_id = "evt-bad-time";
      delete attributes.datetime;
      attributes.timestamp = 1e300;
      const huge = JSON.stringify(envelope);
      await expectProblem(await post(t.slug, SYNC, huge, signed(huge)), 400, "data.0.payload.data.attributes.timestamp");
      delete attributes.timestamp;
      attributes.datetime = "not a date";
      const unparsable = JSON.stringify(envelope);
      await expectProblem(await post(t.slug, SYNC, unparsable, signed(unparsable)), 400, "data.0.payload.data.attributes.datetime");
      expect(await db().syncTask.count({ where: { tenantId: t.tenant.id, dedupeKey: { endsWith: ":evt-bad-time" } } })).toBe(0);
    });

    it("re-signed now: 202, one task per event; a second delivery creates none and answers with the first correlation id", async () => {
      const res = await post(t.slug, SYNC, raw, signed());
      expect(res.status).toBe(202);
      const { correlationId } = await res.json();
      const tasks = await tasksOf(t.tenant.id);
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({ kind: "PROFILE_SYNC", dedupeKey: "01JDQ80W3BHK5PASSFLOW00001:5nQx2RbWkT7", correlationId });
      expect(tasks[0]!.input).toMatchObject({
        source: "system_webhook",
        klaviyoProfileId: "01JDQ7ZK3M4N5P6R7S8T9V0W1X",
        email: "jane.doe@example.com",
        phone: "+14155550100",
        externalId: "CUST-000042",
        consent: { sms: { status: "SUBSCRIBED", unsuppress: true } },
        topic: "event:klaviyo.subscribed_to_sms_marketing",
      });
      const again = await post(t.slug, SYNC, raw, signed());
      expect(again.status).toBe(202);
      expect((await again.json()).correlationId).toBe(correlationId);
      expect(await tasksOf(t.tenant.id)).toHaveLength(1);
    });

    it("rejects with 401 and stores nothing: one byte changed, wrong secret, webhook id mismatch, stale timestamp, no signature", async () => {
      const before = await db().webhookReceipt.count({ where: { tenantId: t.tenant.id } });
      const tampered = raw.replace("SMS Subscribers", "SMS Subscribera");
      expect(tampered.length).toBe(raw.length);
      await expectProblem(await post(t.slug, SYNC, tampered, signed(raw)), 401);
      await expectProblem(await post(t.slug, SYNC, raw, signed(raw, { secret: "another-secret-0123456789" })), 401);
      await expectProblem(await post(t.slug, SYNC, raw, signed(raw, { webhookId: "01JWEBHOOKOTHER" })), 401);
      const stale = new Date(Date.now() - 6 * 60 * 1000).toUTCString();
      await expectProblem(await post(t.slug, SYNC, raw, signed(raw, { timestamp: stale })), 401);
      const future = String(Math.floor(Date.now() / 1000) + 6 * 60);
      await expectProblem(await post(t.slug, SYNC, raw, signed(raw, { timestamp: future })), 401);
      await expectProblem(await post(t.slug, SYNC, raw, { authorization: `Bearer ${t.apiKey}` }), 401);
      expect(await db().webhookReceipt.count({ where: { tenantId: t.tenant.id } })).toBe(before);
      // a tenant with no secret says so, instead of "does not match"
      const unset = await makeTenant();
      const problem = await expectProblem(await post(unset.slug, SYNC, raw, signed(raw)), 401);
      expect(problem.detail).toMatch(/no Klaviyo system-webhook secret configured/);
    });

    it("accepts ISO and epoch timestamps and the previous secret during rotation", async () => {
      const body = raw.replaceAll("5nQx2RbWkT7", "evt-rotation-1");
      await updateTenantSettings(t.slug, { klaviyoWebhookSecret: "the-new-secret-abcdef0123" }, "test");
      expect((await post(t.slug, SYNC, body, signed(body, { timestamp: new Date().toISOString() }))).status).toBe(202); // old secret
      const body2 = body.replaceAll("evt-rotation-1", "evt-rotation-2");
      expect((await post(t.slug, SYNC, body2, signed(body2, { secret: "the-new-secret-abcdef0123", timestamp: String(Math.floor(Date.now() / 1000)) }))).status).toBe(202);
      await updateTenantSettings(t.slug, { dropPreviousWebhookSecret: true }, "test");
      const body3 = body.replaceAll("evt-rotation-1", "evt-rotation-3");
      await expectProblem(await post(t.slug, SYNC, body3, signed(body3)), 401);
    });

    it("a batch of 1,000 events makes one task per new external_id", async () => {
      const batchTenant = await makeTenant({ settings: { klaviyoWebhookSecret: f.secret } });
      const envelope = JSON.parse(raw);
      const event = envelope.data[0];
      envelope.data = Array.from({ length: 1000 }, (_, i) => ({ ...event, external_id: `evt-batch-${i % 999}` })); // one repeat inside the batch
      envelope.meta.klaviyo_webhook_id = "01JWEBHOOKBATCH";
      const body = JSON.stringify(envelope);
      const res = await post(batchTenant.slug, SYNC, body, signed(body, { webhookId: "01JWEBHOOKBATCH" }));
      expect(res.status).toBe(202);
      const { correlationId } = await res.json();
      expect(await db().syncTask.count({ where: { tenantId: batchTenant.tenant.id, correlationId } })).toBe(999);
      envelope.data = [{ ...event, external_id: "evt-batch-5" }, { ...event, external_id: "evt-batch-new" }];
      const partial = JSON.stringify(envelope);
      const res2 = await post(batchTenant.slug, SYNC, partial, signed(partial, { webhookId: "01JWEBHOOKBATCH" }));
      const second = (await res2.json()).correlationId;
      expect(second).not.toBe(correlationId);
      expect((await db().syncTask.findMany({ where: { correlationId: second } })).map((x) => x.dedupeKey)).toEqual(["01JWEBHOOKBATCH:evt-batch-new"]);
    });
  });
});

describe("OpenAPI", () => {
  it("serves a 3.1 document for the listeners (generated from the schemas), the passes API and customer erasure", async () => {
    const res = await fetch(`${appUrl}/api/openapi.json`);
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual([
      "/api/{tenantId}/webhooks/listeners/klaviyo/passes/pushUpdate",
      "/api/{tenantId}/webhooks/listeners/klaviyo/profiles/sync",
      "/api/{tenantId}/webhooks/listeners/klaviyo/passes/issue",
      "/api/{tenantId}/v1/passes",
      "/api/{tenantId}/v1/passes/{serialNumber}",
      "/api/{tenantId}/v1/customers/{customerId}",
    ]);
    expect(doc.components.schemas.PushUpdateRequest.required).toEqual(["identifiers"]);
    expect(doc.components.schemas.PushUpdateRequest.properties.updateMetadata.anyOf).toHaveLength(2);
    expect(doc.components.schemas.KlaviyoSystemWebhook.properties.data.maxItems).toBe(1000);
  });
});

describe("OpenAPI: response headers", () => {
  it("documents the RateLimit headers on the 2xx and 429 answers and Retry-After on 429, as the listeners send them", async () => {
    const doc = await (await fetch(`${appUrl}/api/openapi.json`)).json();
    const responses = (path: string) => doc.paths[`/api/{tenantId}/${path}`].post.responses;
    const rate = ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"];
    for (const [path, ok] of [[PUSH, "200"], [SYNC, "202"]] as const) {
      expect(Object.keys(responses(path)[ok].headers)).toEqual(expect.arrayContaining([...rate, "X-Correlation-Id"]));
      expect(Object.keys(responses(path)["429"].headers)).toEqual(expect.arrayContaining([...rate, "Retry-After"]));
      for (const name of [...rate, "Retry-After"]) expect(responses(path)["429"].headers[name].schema).toEqual({ type: "integer", minimum: 0 });
    }
    // and a real answer carries every header the document names for it
    const t = await makeTenant({ settings: { apiKeyRequestsPerMinute: 1 } });
    const auth = { authorization: `Bearer ${t.apiKey}` };
    const accepted = await post(t.slug, SYNC, { email: "jane.doe@example.com" }, auth);
    expect(accepted.status).toBe(202);
    for (const name of Object.keys(responses(SYNC)["202"].headers)) expect(accepted.headers.get(name), name).toMatch(/^\S+$/);
    expect(accepted.headers.get("ratelimit-limit")).toBe("1");
    const throttled = await post(t.slug, SYNC, { email: "jane.doe@example.com" }, auth);
    expect(throttled.status).toBe(429);
    for (const name of Object.keys(responses(SYNC)["429"].headers)) expect(throttled.headers.get(name), name).toMatch(/^\d+$/);
  });
});

describe("API key storage", () => {
  it("keeps only the hash", async () => {
    const t = await makeTenant();
    const row = await db().apiKey.findUniqueOrThrow({ where: { prefix: t.prefix } });
    expect(row.hash).toBe(hashToken(t.apiKey));
  });
});
