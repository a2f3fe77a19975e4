import { afterEach, describe, expect, it, vi } from "vitest";
import { InngestTestEngine, mockCtx } from "@inngest/test";
import type { Tenant } from "@prisma/client";
import { db } from "@/server/db/client";
import { encryptSecret } from "@/server/platform/crypto";
import { profileSync } from "./profile-sync";
import { profileSyncRequested } from "../events";
import { inngest } from "../client";
import { createTask, profileInput, testPass, testTenant } from "@/server/tooling/testing/tasks";
import { startMerchantMock, type MerchantMock } from "@/server/tooling/testing/merchant";
import type { ProfileSyncInput } from "@/server/customers/profile-sync";

const mocks: MerchantMock[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(mocks.splice(0).map((m) => m.close()));
});

async function merchant(tenant: Tenant) {
  const m = await startMerchantMock(tenant.id);
  mocks.push(m);
  return m;
}

/** Executes the function once for `taskId` in a fresh engine (event sends captured, not sent). */
async function execute(tenant: Tenant, taskId: string, correlationId: string, attempt = 0) {
  const send = vi.spyOn(inngest, "send").mockResolvedValue({ ids: [] });
  const t = new InngestTestEngine({
    function: profileSync,
    events: [profileSyncRequested.create({ taskId, tenantId: tenant.id, correlationId })],
    transformCtx: (ctx) => ({ ...mockCtx(ctx), attempt }),
  });
  const out = await t.execute();
  const emitted = send.mock.calls.flatMap((c) => c[0] as unknown[]).length;
  return { ...out, emitted, task: await db().syncTask.findUniqueOrThrow({ where: { id: taskId } }) };
}

async function run(tenant: Tenant, input: ProfileSyncInput) {
  const task = await createTask(tenant.id, "PROFILE_SYNC", input, { dispatch: false });
  return { ...(await execute(tenant, task.id, task.correlationId)), created: task };
}

describe("profile-sync", () => {
  it("updates the customer and the passes showing the values, then syncs back signed and marked", async () => {
    const tenant = await testTenant();
    const pass = await testPass(tenant, { email: "old@example.com" });
    await db().customer.update({ where: { id: pass.customerRecordId }, data: { klaviyoProfileId: "01PROFILE" } });
    const m = await merchant(tenant);
    const { result, error, task, emitted, created } = await run(
      tenant,
      profileInput({
        klaviyoProfileId: "01PROFILE",
        email: "New@Example.com",
        phone: "(415) 555-0199",
        consent: { email: { status: "SUBSCRIBED" }, sms: { status: "UNSUBSCRIBED" } },
        properties: { tier: "Gold", favouriteColour: "teal" },
        occurredAt: "2026-11-30T08:00:00.000Z",
      }),
    );
    expect(error).toBeUndefined();
    const customer = await db().customer.findUniqueOrThrow({ where: { id: pass.customerRecordId } });
    expect(customer).toMatchObject({
      email: "new@example.com",
      phone: "+14155550199",
      consent: { email: { status: "SUBSCRIBED", updatedAt: "2026-11-30T08:00:00.000Z" }, sms: { status: "UNSUBSCRIBED" } },
      properties: { tier: "Gold", favouriteColour: "teal" },
    });
    const after = await db().pass.findUniqueOrThrow({ where: { id: pass.id } });
    expect(after.data).toMatchObject({ tier: "Gold", points: 0 });
    expect(after.versionTag > pass.versionTag).toBe(true);
    expect(emitted).toBe(1);
    expect(task).toMatchObject({ status: "SUCCEEDED", attempts: 1, passId: pass.id });
    expect(result).toMatchObject({ matchedBy: "klaviyoProfileId", passes: [{ passId: pass.id }], syncBack: { status: 200 } });

    expect(m.received).toHaveLength(1);
    const sent = m.received[0]!;
    expect(sent.verified).toBe(true);
    expect(sent.headers["x-passflow-origin"]).toBe("passflow");
    expect(sent.headers["x-correlation-id"]).toBe(created.correlationId);
    expect(sent.headers["webhook-id"]).toBe(`task-${created.id}`);
    expect(sent.body).toMatchObject({
      type: "customer.updated",
      origin: "passflow",
      tenant: tenant.slug,
      customer: { email: "new@example.com", phone: "+14155550199" },
      changes: { email: { before: "old@example.com", after: "new@example.com" }, "consent.email": { before: null, after: "SUBSCRIBED" } },
    });
  });

  it("finds the customer by email when the profile id is unknown, then by phone", async () => {
    const tenant = await testTenant();
    const byEmail = await testPass(tenant, { email: "e@example.com" });
    const byPhone = await testPass(tenant, { phone: "+14155550123" });
    const first = await run(tenant, profileInput({ klaviyoProfileId: "01NEW", email: "e@example.com", properties: { tier: "Silver" } }));
    expect(first.result).toMatchObject({ matchedBy: "email", customerRecordId: byEmail.customerRecordId, syncBack: { skipped: "not_configured" } });
    expect((await db().customer.findUniqueOrThrow({ where: { id: byEmail.customerRecordId } })).klaviyoProfileId).toBe("01NEW");
    const second = await run(tenant, profileInput({ email: "unknown@example.com", phone: "415-555-0123" }));
    expect(second.result).toMatchObject({ matchedBy: "phone", customerRecordId: byPhone.customerRecordId });
  });

  it("finds the customer by external_id (the merchant's customerId) when the email changed", async () => {
    const tenant = await testTenant();
    const pass = await testPass(tenant, { email: "old@example.com", customerId: "C-7" });
    const { result, task } = await run(tenant, profileInput({ email: "new@example.com", externalId: "C-7" }));
    expect(task.status).toBe("SUCCEEDED");
    expect(result).toMatchObject({ matchedBy: "customerId", customerRecordId: pass.customerRecordId, customerChanges: { email: { before: "old@example.com", after: "new@example.com" } } });
    expect((await db().customer.findUniqueOrThrow({ where: { id: pass.customerRecordId } })).email).toBe("new@example.com");
  });

  it("fails identifier_conflict when external_id belongs to another customer than the one matched, changing nothing", async () => {
    const tenant = await testTenant();
    const john = await testPass(tenant, { email: "john@example.com", customerId: "C-JOHN" });
    const ana = await testPass(tenant, { email: "ana@example.com", customerId: "C-ANA" });
    const { task } = await run(tenant, profileInput({ email: "john@example.com", externalId: "C-ANA", properties: { tier: "Gold" } }));
    // found by external_id (Ana), whose new email would be John's: the task names Ana, no pass
    expect(task).toMatchObject({ status: "FAILED", errorCode: "identifier_conflict", customerRecordId: ana.customerRecordId, passId: null });
    expect(task.lastError).toMatch(/belongs? to another customer/);
    expect((await db().customer.findUniqueOrThrow({ where: { id: john.customerRecordId } })).properties).toEqual({});
    // matched by the profile id, the external_id of another customer is the conflict
    await db().customer.update({ where: { id: john.customerRecordId }, data: { klaviyoProfileId: "01JOHN" } });
    const byProfile = await run(tenant, profileInput({ klaviyoProfileId: "01JOHN", externalId: "C-ANA" }));
    expect(byProfile.task).toMatchObject({ status: "FAILED", errorCode: "identifier_conflict", lastError: expect.stringMatching(/external_id C-ANA belongs to another customer/) });
  });

  it("a system-webhook event identifies the customer by its profile snapshot but never rewrites email or phone, and older consent never wins", async () => {
    const tenant = await testTenant();
    const pass = await testPass(tenant, { email: "jane@example.com", phone: "+14155550199" });
    await db().customer.update({ where: { id: pass.customerRecordId }, data: { klaviyoProfileId: "01JANE", consent: { sms: { status: "UNSUBSCRIBED", updatedAt: "2026-11-30T10:00:00.000Z" } } } });
    const event = (occurredAt: string, topic: string, consent: ProfileSyncInput["consent"]) =>
      profileInput({ source: "system_webhook", klaviyoProfileId: "01JANE", email: "jane.old@example.com", phone: "+14155550100", topic, consent, occurredAt, eventId: occurredAt });
    const older = await run(tenant, event("2026-11-30T08:00:00+00:00", "event:klaviyo.subscribed_to_sms_marketing", { sms: { status: "SUBSCRIBED" } }));
    expect(older.result).toMatchObject({ matchedBy: "klaviyoProfileId", customerChanges: {} });
    const newer = await run(tenant, event("2026-11-30T11:00:00+00:00", "event:klaviyo.subscribed_to_sms_marketing", { sms: { status: "SUBSCRIBED" } }));
    expect(newer.result).toMatchObject({ customerChanges: { "consent.sms": { before: "UNSUBSCRIBED", after: "SUBSCRIBED" } } });
    const customer = await db().customer.findUniqueOrThrow({ where: { id: pass.customerRecordId } });
    expect(customer).toMatchObject({ email: "jane@example.com", phone: "+14155550199", consent: { sms: { status: "SUBSCRIBED", updatedAt: "2026-11-30T11:00:00+00:00" } } });
  });

  it("ends SUCCEEDED skipped customer_not_found for a profile Passflow does not know, without syncing back", async () => {
    const tenant = await testTenant();
    const m = await merchant(tenant);
    const { result, task } = await run(tenant, profileInput({ email: "stranger@example.com" }));
    expect(result).toEqual({ skipped: "customer_not_found", customerChanges: {}, passes: [] });
    expect(task.output).toEqual({ skipped: "customer_not_found", customerChanges: {}, passes: [] });
    expect(task).toMatchObject({ status: "SUCCEEDED", output: { skipped: "customer_not_found" } });
    expect(m.received).toHaveLength(0);
  });

  it("retries the sync-back after a merchant 500 without applying the change twice, then succeeds on 200", async () => {
    const tenant = await testTenant();
    const pass = await testPass(tenant, { email: "retry@example.com" });
    const m = await merchant(tenant);
    m.respond(500);
    const first = await run(tenant, profileInput({ email: "retry@example.com", properties: { points: "40" } }));
    expect(first.error).toMatchObject({ name: "Error", message: "merchant_unavailable: merchant system answered HTTP 500" });
    expect(first.task).toMatchObject({ status: "RUNNING", errorCode: "merchant_unavailable", lastError: "merchant system answered HTTP 500", attempts: 1 });

    // Inngest calls again (attempt 1): the applied change is read back, only the sync-back re-runs
    const second = await execute(tenant, first.created.id, first.created.correlationId, 1);
    expect(second.error).toBeUndefined();
    expect(second.task).toMatchObject({ status: "SUCCEEDED", attempts: 2, errorCode: null, lastError: "merchant system answered HTTP 500" });
    expect(m.received.map((r) => r.headers["webhook-id"])).toEqual([`task-${first.created.id}`, `task-${first.created.id}`]);
    expect(await db().passChange.count({ where: { passId: pass.id } })).toBe(1);
    expect((await db().pass.findUniqueOrThrow({ where: { id: pass.id } })).data).toMatchObject({ points: 40 });
  });

  it("fails merchant_rejected at once when the merchant answers 400", async () => {
    const tenant = await testTenant();
    await testPass(tenant, { email: "reject@example.com" });
    const m = await merchant(tenant);
    m.respond(400);
    const { error, task } = await run(tenant, profileInput({ email: "reject@example.com", properties: { tier: "Bronze" } }));
    expect(error).toMatchObject({ name: "NonRetriableError", message: "merchant_rejected: merchant system refused the change: HTTP 400" });
    expect(task).toMatchObject({ status: "FAILED", errorCode: "merchant_rejected" });
    expect(m.received).toHaveLength(1);
  });

  it("fails merchant_sync_not_configured at once, sending nothing, when the stored secret is not whsec_", async () => {
    const tenant = await testTenant();
    await testPass(tenant, { email: "oldsecret@example.com" });
    const m = await merchant(tenant);
    await db().tenant.update({ where: { id: tenant.id }, data: { merchantSyncSecretEncrypted: encryptSecret("merchant-sync-secret-legacy") } });
    const { error, task } = await run(tenant, profileInput({ email: "oldsecret@example.com", properties: { tier: "Gold" } }));
    expect(error).toMatchObject({ name: "NonRetriableError" });
    expect(task).toMatchObject({ status: "FAILED", errorCode: "merchant_sync_not_configured" });
    expect(m.received).toHaveLength(0);
  });

  it("never syncs a change that came from the merchant back to it", async () => {
    const tenant = await testTenant();
    await testPass(tenant, { email: "loop@example.com" });
    const m = await merchant(tenant);
    const { result, task } = await run(tenant, profileInput({ email: "loop@example.com", properties: { tier: "Gold" }, origin: "merchant" }));
    expect(task.status).toBe("SUCCEEDED");
    expect(result).toMatchObject({ syncBack: { skipped: "origin_merchant" } });
    expect(m.received).toHaveLength(0);
  });

  it("fails identifier_conflict when the new email belongs to another customer", async () => {
    const tenant = await testTenant();
    const pass = await testPass(tenant, { email: "mine@example.com" });
    await db().customer.update({ where: { id: pass.customerRecordId }, data: { klaviyoProfileId: "01MINE" } });
    await testPass(tenant, { email: "theirs@example.com" });
    const { task } = await run(tenant, profileInput({ klaviyoProfileId: "01MINE", email: "theirs@example.com" }));
    expect(task).toMatchObject({ status: "FAILED", errorCode: "identifier_conflict" });
  });

  it("fails naming the property when a pass cannot show it, and writes nothing", async () => {
    const tenant = await testTenant();
    const pass = await testPass(tenant, { email: "typed@example.com" });
    const { task } = await run(tenant, profileInput({ email: "typed@example.com", properties: { nickname: "J", points: "lots" } }));
    expect(task).toMatchObject({ status: "FAILED", errorCode: "invalid_field_value", lastError: 'properties.points: "lots" is not a number' });
    expect(task).toMatchObject({ customerRecordId: pass.customerRecordId, passId: pass.id }); // what it was about, although nothing was written
    expect((await db().customer.findUniqueOrThrow({ where: { id: pass.customerRecordId } })).properties).toEqual({});
  });

  it("treats a blank property as not provided on the customer as on the passes: nothing is wiped", async () => {
    const tenant = await testTenant();
    const pass = await testPass(tenant, { email: "blank@example.com" }, { data: { tier: "Gold" } });
    await db().customer.update({ where: { id: pass.customerRecordId }, data: { properties: { tier: "Gold", nickname: "J" } } });
    const { task } = await run(tenant, profileInput({ email: "blank@example.com", properties: { tier: " ", nickname: "" } }));
    expect(task.status).toBe("SUCCEEDED");
    expect((await db().customer.findUniqueOrThrow({ where: { id: pass.customerRecordId } })).properties).toEqual({ tier: "Gold", nickname: "J" });
    expect((await db().pass.findUniqueOrThrow({ where: { id: pass.id } })).data).toMatchObject({ tier: "Gold" });
  });
});
