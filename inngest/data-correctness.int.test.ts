/**
 * Data correctness over real HTTP (listeners → embedded executor → PostgreSQL), the defects of
 * the field trial: a large numeric identifier must not name another customer, a late retry of a
 * flow webhook carrying its `event_id` must not revert a newer change, and a tenant's placeholder
 * values ("-", "N/A") must not overwrite real data.
 */
import { describe, expect, inject, it } from "vitest";
import { db } from "@/server/db/client";
import { issuePass } from "@/server/passes/passes";
import { makeTenant } from "@/server/tooling/testing/tenants";
import { eventually, testDevice, waitForTask } from "@/server/tooling/testing/tasks";
import { runCli } from "@/server/tooling/testing/cli";
import { updateTenantSettings } from "@/server/tenants/tenants";
import { getTenantDetail } from "@/server/console/tenants";
import { DomainError } from "@/server/platform/errors";

const APP = inject("appUrl");
const PUSH = "passes/pushUpdate";
const SYNC = "profiles/sync";

/** POSTs `body` exactly as given (a string is sent as is: numbers a JSON.stringify could not write). */
function post(slug: string, endpoint: string, apiKey: string, body: string | object, headers: Record<string, string> = {}) {
  return fetch(`${APP}/api/${slug}/webhooks/listeners/klaviyo/${endpoint}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}`, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function settled(res: Response) {
  const correlationId = res.headers.get("x-correlation-id")!;
  const task = await eventually(() => db().syncTask.findFirst({ where: { correlationId } }));
  return waitForTask(task!.id);
}

async function problemFields(res: Response): Promise<string[]> {
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = (await res.json()) as { errors?: { field: string }[] };
  return (body.errors ?? []).map((e) => e.field);
}

const passData = async (serialNumber: string) => (await db().pass.findUniqueOrThrow({ where: { serialNumber } })).data;

describe("a numeric identifier above 2^53 is never rounded", () => {
  it("an unquoted customerId 9007199254740993 updates that customer's pass, not …992's", async () => {
    const t = await makeTenant();
    const a = await issuePass({ tenant: t.slug, passType: "basic", identifiers: { email: "a@example.com", customerId: "9007199254740992" }, data: { points: 1 } });
    const b = await issuePass({ tenant: t.slug, passType: "basic", identifiers: { email: "b@example.com", customerId: "9007199254740993" }, data: { points: 2 } });
    const res = await post(t.slug, PUSH, t.apiKey, '{"identifiers":{"customerId": 9007199254740993},"additionalData":{"points": 10}}');
    expect(res.status).toBe(200);
    const task = await settled(res);
    expect(task).toMatchObject({ status: "SUCCEEDED", input: { identifiers: { customerId: "9007199254740993" } } });
    expect(await passData(b.serialNumber)).toMatchObject({ points: 10 });
    expect(await passData(a.serialNumber)).toMatchObject({ points: 1 });
  });

  it("a field value a number cannot hold exactly is a 400 naming it, and nothing is stored", async () => {
    const t = await makeTenant();
    const push = await post(t.slug, PUSH, t.apiKey, '{"identifiers":{"email":"a@example.com"},"additionalData":{"points": 9007199254740993, "tier": "Gold"}}');
    expect(push.status).toBe(400);
    expect(await problemFields(push)).toEqual(["additionalData.points"]);
    const sync = await post(t.slug, SYNC, t.apiKey, '{"email":"a@example.com","properties":{"points": 12345678901234567890}}');
    expect(sync.status).toBe(400);
    expect(await problemFields(sync)).toEqual(["properties.points"]);
    const decimal = await post(t.slug, PUSH, t.apiKey, '{"identifiers":{"email":"a@example.com"},"additionalData":{"points": 0.30000000000000000001}}');
    expect(await problemFields(decimal)).toEqual(["additionalData.points"]);
    expect(await db().syncTask.count({ where: { tenantId: t.tenant.id } })).toBe(0);
    expect(await db().webhookReceipt.count({ where: { tenantId: t.tenant.id } })).toBe(0);
    // numbers a double holds exactly are read as before
    const exact = await post(t.slug, PUSH, t.apiKey, '{"identifiers":{"customerId": 9007199254740991},"additionalData":{"points": 1250.5, "tier": 1e3}}');
    expect(exact.status).toBe(200);
    expect((await settled(exact)).input).toMatchObject({ identifiers: { customerId: "9007199254740991" }, additionalData: { points: 1250.5, tier: 1000 } });
  });
});

describe("a flow body's event_id dedupes like Idempotency-Key", () => {
  it("pushUpdate: a late retry of the first send answers as it did and does not revert 330 to 320", async () => {
    const t = await makeTenant();
    const { serialNumber } = await issuePass({ tenant: t.slug, passType: "basic", identifiers: { email: "jane@example.com" }, data: { points: 300 } });
    const pass = await db().pass.findUniqueOrThrow({ where: { serialNumber } });
    await testDevice(pass.id);
    const firstBody = '{"identifiers":{"email":"jane@example.com"},"additionalData":{"points":"320"},"event_id":"01JF-send-1"}';
    const first = await post(t.slug, PUSH, t.apiKey, firstBody);
    expect((await settled(first)).status).toBe("SUCCEEDED");
    const second = await post(t.slug, PUSH, t.apiKey, { identifiers: { email: "jane@example.com" }, additionalData: { points: "330" }, event_id: "01JF-send-2" });
    expect((await settled(second)).status).toBe("SUCCEEDED");
    expect(await passData(serialNumber)).toMatchObject({ points: 330 });
    const pushes = await eventually(async () => ((await db().pushDelivery.count({ where: { passId: pass.id } })) === 2 ? 2 : 0));
    expect(pushes).toBe(2);

    const retry = await post(t.slug, PUSH, t.apiKey, firstBody);
    expect(retry.status).toBe(200);
    expect(retry.headers.get("x-correlation-id")).toBe(first.headers.get("x-correlation-id"));
    await new Promise((r) => setTimeout(r, 1000));
    expect(await db().syncTask.count({ where: { tenantId: t.tenant.id } })).toBe(2);
    expect(await passData(serialNumber)).toMatchObject({ points: 330 });
    expect(await db().pushDelivery.count({ where: { passId: pass.id } })).toBe(2);

    const reused = await post(t.slug, PUSH, t.apiKey, { identifiers: { email: "jane@example.com" }, additionalData: { points: "999" }, event_id: "01JF-send-1" });
    expect(reused.status).toBe(422);
    expect(await problemFields(reused)).toEqual(["event_id"]);
    expect(await passData(serialNumber)).toMatchObject({ points: 330 });
  });

  it("profiles/sync: the same event_id answers with the first correlation id and writes nothing more", async () => {
    const t = await makeTenant();
    await issuePass({ tenant: t.slug, passType: "basic", identifiers: { email: "jane@example.com" }, data: { tier: "Silver" } });
    const firstBody = { email: "jane@example.com", properties: { tier: "Gold" }, event_id: "flow-7:profile-1" };
    const first = await post(t.slug, SYNC, t.apiKey, firstBody);
    expect(first.status).toBe(202);
    expect((await settled(first)).status).toBe("SUCCEEDED");
    const second = await post(t.slug, SYNC, t.apiKey, { email: "jane@example.com", properties: { tier: "Platinum" }, event_id: "flow-7:profile-2" });
    expect((await settled(second)).status).toBe("SUCCEEDED");
    const retry = await post(t.slug, SYNC, t.apiKey, firstBody);
    expect(retry.status).toBe(202);
    expect(await retry.json()).toEqual({ correlationId: first.headers.get("x-correlation-id") });
    expect(await db().syncTask.count({ where: { tenantId: t.tenant.id } })).toBe(2);
    const customer = await db().customer.findFirstOrThrow({ where: { tenantId: t.tenant.id } });
    expect(customer.properties).toMatchObject({ tier: "Platinum" });
    const reused = await post(t.slug, SYNC, t.apiKey, { ...firstBody, properties: { tier: "Bronze" } });
    expect(reused.status).toBe(422);
    expect(await problemFields(reused)).toEqual(["event_id"]);
  });
});

describe("OpenAPI", () => {
  it("documents event_id on both flow bodies", async () => {
    const doc = await (await fetch(`${APP}/api/openapi.json`)).json();
    for (const name of ["PushUpdateRequest", "ProfileSyncRequest"]) {
      const eventId = doc.components.schemas[name].properties.event_id;
      expect(eventId.description).toMatch(/same on Klaviyo's retries/);
      expect(eventId.anyOf).toContainEqual({ type: "string", maxLength: 200 });
    }
  });
});

describe("a tenant's not-provided values never overwrite real data", () => {
  it("the one settings schema trims, drops blanks and repeats, refuses control characters naming the field; the tenant page reads them", async () => {
    const t = await makeTenant();
    const updated = await updateTenantSettings(t.slug, { notProvidedValues: [" N/A ", "", "N/A", "-"] }, "test");
    expect(updated.notProvidedValues).toEqual(["N/A", "-"]);
    expect((await getTenantDetail(t.slug)).notProvidedValues).toEqual(["N/A", "-"]);
    const refused = await updateTenantSettings(t.slug, { notProvidedValues: ["ok", "a\u0007b"] }, "test").catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: "invalid_input", field: "notProvidedValues.1" });
    const cleared = await runCli(["tenant", "update", t.slug, "--not-provided-values", "", "--json"]);
    expect(JSON.parse(cleared.stdout)).toMatchObject({ notProvidedValues: [] });
  });

  it("set with the CLI; \"-\" and \"N/A\" leave Gold as it is in pushUpdate and profile sync, on identifiers too", async () => {
    const t = await makeTenant();
    const cli = await runCli(["tenant", "update", t.slug, "--not-provided-values", " -, N/A ,", "--json"]);
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ notProvidedValues: ["-", "N/A"] });
    const { serialNumber } = await issuePass({ tenant: t.slug, passType: "basic", identifiers: { email: "jane@example.com", customerId: "C-1" }, data: { points: 100, tier: "Gold" } });

    const push = await post(t.slug, PUSH, t.apiKey, { identifiers: { email: "jane@example.com", customerId: "N/A", phone: "-" }, additionalData: { tier: "-", points: "150" } });
    expect(push.status).toBe(200);
    expect((await settled(push)).status).toBe("SUCCEEDED");
    expect(await passData(serialNumber)).toEqual({ points: 150, tier: "Gold" });

    const sync = await post(t.slug, SYNC, t.apiKey, { email: "jane@example.com", phone_number: "N/A", external_id: "-", properties: { tier: "N/A", points: "-", city: "-" } });
    expect(sync.status).toBe(202);
    const task = await settled(sync);
    expect(task.status).toBe("SUCCEEDED");
    expect(await passData(serialNumber)).toEqual({ points: 150, tier: "Gold" });
    const customer = await db().customer.findFirstOrThrow({ where: { tenantId: t.tenant.id } });
    expect(customer).toMatchObject({ phone: null, customerId: "C-1" });
    expect(customer.properties).toEqual({});

    // only placeholders as identifiers: no identifier at all
    const none = await post(t.slug, PUSH, t.apiKey, { identifiers: { email: "-" }, additionalData: { points: "1" } });
    expect(none.status).toBe(400);
    expect(await problemFields(none)).toEqual(["identifiers"]);
  });

  it("by default only the empty string means not provided: \"-\" is a value", async () => {
    const t = await makeTenant();
    const { serialNumber } = await issuePass({ tenant: t.slug, passType: "basic", identifiers: { email: "jane@example.com" }, data: { tier: "Gold" } });
    const push = await post(t.slug, PUSH, t.apiKey, { identifiers: { email: "jane@example.com" }, additionalData: { tier: "-", points: "" } });
    expect((await settled(push)).status).toBe("SUCCEEDED");
    expect(await passData(serialNumber)).toEqual({ tier: "-", points: 0 }); // "" left the issued 0 as it was
  });
});
