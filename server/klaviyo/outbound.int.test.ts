/**
 * Wallet status and events back in Klaviyo, end to end: the run's app (its executor runs the
 * klaviyo-event and klaviyo-profile functions) sends to the run's Klaviyo API mock over real
 * HTTP; passes are issued, registered by a simulated device over the PassKit web service and
 * updated by a pushUpdate task. Each test's tenant has a key of its own, so the mock's records
 * are told apart by key.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import type { SyncTask, Tenant } from "@prisma/client";
import { db } from "@/server/db/client";
import { updateTenantSettings } from "@/server/tenants/tenants";
import { showPass } from "@/server/passes/passes";
import { replayTask } from "@/server/tasks/replay";
import { dispatchTasks } from "@/inngest/dispatch";
import { klaviyoMockControl, type ReceivedKlaviyoRequest } from "@/server/tooling/mocks/klaviyo";
import { SimulatedDevice } from "@/server/tooling/testing/wallet-device";
import { createTask, eventually, profileInput, pushUpdateInput, testPass, testTenant, waitForTask } from "@/server/tooling/testing/tasks";
import { KLAVIYO_REVISION } from "./api";
import { createApiKey, KLAVIYO_LISTENER_SCOPE } from "@/server/tenants/api-keys";

const mock = klaviyoMockControl(inject("klaviyoMock").controlUrl);
const appUrl = inject("appUrl");

/** A tenant sending to Klaviyo with a key of its own that the mock accepts. */
async function klaviyoTenant(): Promise<{ tenant: Tenant; key: string }> {
  const tenant = await testTenant();
  const key = `pk_test_${randomBytes(12).toString("hex")}`;
  await mock.addKey(key);
  await updateTenantSettings(tenant.id, { klaviyoApiKey: key }, "test");
  return { tenant, key };
}

/** The outbound task of `kind` queued with the pass's latest event of `eventKind`. */
async function outboundTask(passId: string, eventKind: "ISSUED" | "INSTALLED" | "REMOVED" | "UPDATED", kind: "KLAVIYO_EVENT" | "KLAVIYO_PROFILE"): Promise<SyncTask> {
  const event = await eventually(() => db().passEvent.findFirst({ where: { passId, kind: eventKind }, orderBy: { occurredAt: "desc" } }));
  expect(event, `a ${eventKind} pass event`).toBeTruthy();
  const prefix = kind === "KLAVIYO_EVENT" ? "klaviyo-event:" : "klaviyo-profile:";
  const task = await db().syncTask.findFirstOrThrow({ where: { dedupeKey: `${prefix}${event!.id}` } });
  return waitForTask(task.id);
}

const events = async (key: string) => (await mock.received({ key, path: "/api/events" })).filter((r) => r.status === 202);
const accepted = (requests: ReceivedKlaviyoRequest[], metric: string) => requests.filter((r) => r.metric === metric);

async function profileOf(email: string) {
  return (await mock.profiles()).find((p) => p.email === email);
}

async function installed(tenant: Tenant, serialNumber: string) {
  const view = await showPass(tenant.id, serialNumber);
  return { passTypeIdentifier: view.passTypeIdentifier, serialNumber, authenticationToken: view.authenticationToken };
}

describe("Klaviyo outbound", () => {
  it("a pass issued from a flow (passes/issue) has its links on the profile, for the next email of the flow", async () => {
    const { tenant } = await klaviyoTenant();
    const { key: listenerKey } = await createApiKey({ tenant: tenant.slug, name: "flow", scopes: [KLAVIYO_LISTENER_SCOPE], actor: "test" });
    const email = `flow-${randomBytes(4).toString("hex")}@example.com`;
    const res = await fetch(`${appUrl}/api/${tenant.slug}/webhooks/listeners/klaviyo/passes/issue`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${listenerKey}` },
      body: JSON.stringify({ identifiers: { email }, passType: "basic", additionalData: { points: "120" } }),
    });
    expect(res.status).toBe(202);
    const { correlationId } = (await res.json()) as { correlationId: string };
    const issueTask = await waitForTask((await eventually(() => db().syncTask.findFirst({ where: { correlationId, kind: "PASS_ISSUE" } })))!.id);
    expect(issueTask).toMatchObject({ status: "SUCCEEDED", output: { created: true } });
    const serialNumber = (issueTask.output as { serialNumber: string }).serialNumber;
    const pass = await db().pass.findUniqueOrThrow({ where: { serialNumber } });
    expect(await outboundTask(pass.id, "ISSUED", "KLAVIYO_PROFILE")).toMatchObject({ status: "SUCCEEDED" });
    const profile = await profileOf(email);
    expect(profile?.properties).toMatchObject({
      passflow_basic_url: expect.stringContaining(`/p/${tenant.slug}/${encodeURIComponent(serialNumber)}?expires=`),
      passflow_basic_serial_number: serialNumber,
      passflow_basic_state: "issued",
    });
    // the page link on the profile opens the Add to Wallet page
    expect((await fetch((profile!.properties as { passflow_basic_url: string }).passflow_basic_url)).status).toBe(200);
  });

  it("an issued pass sends Pass Issued and writes the links, serial number, pass type and state onto the profile", async () => {
    const { tenant, key } = await klaviyoTenant();
    const email = `issued-${randomBytes(4).toString("hex")}@example.com`;
    const pass = await testPass(tenant, { email, customerId: "C-ISSUED" });
    const eventTask = await outboundTask(pass.id, "ISSUED", "KLAVIYO_EVENT");
    const profileTask = await outboundTask(pass.id, "ISSUED", "KLAVIYO_PROFILE");
    expect(eventTask).toMatchObject({ status: "SUCCEEDED", passId: pass.id, customerRecordId: pass.customerRecordId, output: { sent: true, status: 202, metric: "Pass Issued" } });
    expect(profileTask).toMatchObject({ status: "SUCCEEDED", output: { sent: true, status: 201 } });

    const passEvent = await db().passEvent.findFirstOrThrow({ where: { passId: pass.id, kind: "ISSUED" } });
    const [sent] = accepted(await events(key), "Pass Issued");
    expect(sent).toMatchObject({ revision: KLAVIYO_REVISION, contentType: "application/vnd.api+json", uniqueId: passEvent.id, duplicate: false });
    expect((sent!.body as { data: { attributes: unknown } }).data.attributes).toMatchObject({
      time: passEvent.occurredAt.toISOString(),
      unique_id: passEvent.id,
      metric: { data: { type: "metric", attributes: { name: "Pass Issued" } } },
      profile: { data: { type: "profile", attributes: { email, external_id: "C-ISSUED" } } },
      properties: { pass_type: "basic", serial_number: pass.serialNumber, pass_type_identifier: pass.passType.passTypeIdentifier },
    });

    const profile = await profileOf(email);
    const serial = encodeURIComponent(pass.serialNumber);
    expect(profile?.external_id).toBe("C-ISSUED");
    expect(profile?.properties).toMatchObject({
      passflow_basic_url: expect.stringMatching(new RegExp(`^${appUrl}/p/${tenant.slug}/${serial}\\?expires=\\d+&signature=[\\w-]+$`)),
      passflow_basic_pkpass_url: expect.stringMatching(new RegExp(`^${appUrl}/api/${tenant.slug}/passes/${serial}\\.pkpass\\?expires=\\d+&signature=[\\w-]+$`)),
      passflow_basic_serial_number: pass.serialNumber,
      passflow_basic_pass_type: pass.passType.name,
      passflow_basic_state: "issued",
    });
    // the .pkpass link in the profile downloads the pass
    const download = await fetch(profile!.properties.passflow_basic_pkpass_url as string);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toMatch(/application\/vnd\.apple\.pkpass/);
  });

  it("the first registered device sends Added to Apple Wallet once; the last one unregistering sends Removed", async () => {
    const { tenant, key } = await klaviyoTenant();
    const email = `wallet-${randomBytes(4).toString("hex")}@example.com`;
    const pass = await testPass(tenant, { email });
    const walletPass = await installed(tenant, pass.serialNumber);
    const phone = new SimulatedDevice(appUrl, tenant.slug);
    const watch = new SimulatedDevice(appUrl, tenant.slug);

    expect((await phone.register(walletPass)).status).toBe(201);
    expect((await phone.register(walletPass)).status).toBe(200); // a repeated register is no new install
    expect((await watch.register(walletPass)).status).toBe(201); // a second device is no new install
    const addedTask = await outboundTask(pass.id, "INSTALLED", "KLAVIYO_EVENT");
    expect(addedTask).toMatchObject({ status: "SUCCEEDED", output: { metric: "Added to Apple Wallet" } });
    expect(await db().passEvent.count({ where: { passId: pass.id, kind: "INSTALLED" } })).toBe(1);
    expect(await db().syncTask.count({ where: { passId: pass.id, kind: "KLAVIYO_EVENT" } })).toBe(2); // Pass Issued, Added
    const installedEvent = await db().passEvent.findFirstOrThrow({ where: { passId: pass.id, kind: "INSTALLED" } });
    const added = accepted(await events(key), "Added to Apple Wallet");
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ uniqueId: installedEvent.id, duplicate: false });
    expect((added[0]!.body as { data: { attributes: { properties: unknown } } }).data.attributes.properties).toMatchObject({ wallet: "Apple Wallet", serial_number: pass.serialNumber });
    await outboundTask(pass.id, "INSTALLED", "KLAVIYO_PROFILE");
    expect((await profileOf(email))?.properties.passflow_basic_state).toBe("installed");

    // retried: the same task's event again (a duplicate run sends nothing), then a forced replay
    // of the task (sent again with the same unique_id, which Klaviyo does not count twice)
    await dispatchTasks([addedTask]);
    const replay = await replayTask({ taskId: addedTask.id, actor: "test", force: true });
    expect(await waitForTask(replay.id)).toMatchObject({ status: "SUCCEEDED", output: { uniqueId: installedEvent.id } });
    const again = accepted(await events(key), "Added to Apple Wallet");
    expect(again.map((r) => r.uniqueId)).toEqual([installedEvent.id, installedEvent.id]);
    expect(again.filter((r) => !r.duplicate)).toHaveLength(1);

    expect((await phone.unregister(walletPass)).status).toBe(200); // the watch still holds it
    expect((await watch.unregister(walletPass)).status).toBe(200);
    expect((await watch.unregister(walletPass)).status).toBe(200); // repeated: nothing more
    const removedTask = await outboundTask(pass.id, "REMOVED", "KLAVIYO_EVENT");
    expect(removedTask).toMatchObject({ status: "SUCCEEDED", output: { metric: "Removed from Apple Wallet" } });
    expect(await db().passEvent.count({ where: { passId: pass.id, kind: "REMOVED" } })).toBe(1);
    expect(accepted(await events(key), "Removed from Apple Wallet")).toHaveLength(1);
    await outboundTask(pass.id, "REMOVED", "KLAVIYO_PROFILE");
    expect((await profileOf(email))?.properties.passflow_basic_state).toBe("removed");
  });

  it("a pushUpdate sends Pass Updated with the changed keys and their new values", async () => {
    const { tenant, key } = await klaviyoTenant();
    const email = `update-${randomBytes(4).toString("hex")}@example.com`;
    const pass = await testPass(tenant, { email });
    const update = await createTask(tenant.id, "PASS_UPDATE", pushUpdateInput({ identifiers: { email }, additionalData: { points: "1250", tier: "Gold" } }));
    expect(await waitForTask(update.id)).toMatchObject({ status: "SUCCEEDED" });
    const task = await outboundTask(pass.id, "UPDATED", "KLAVIYO_EVENT");
    expect(task).toMatchObject({ status: "SUCCEEDED", correlationId: update.correlationId, output: { metric: "Pass Updated" } });
    const updatedEvent = await db().passEvent.findFirstOrThrow({ where: { passId: pass.id, kind: "UPDATED" } });
    expect(updatedEvent.detail).toMatchObject({ changedKeys: ["points", "tier"] });
    const [sent] = accepted(await events(key), "Pass Updated");
    expect((sent!.body as { data: { attributes: { properties: unknown } } }).data.attributes.properties).toEqual({
      pass_type: "basic",
      pass_type_identifier: pass.passType.passTypeIdentifier,
      serial_number: pass.serialNumber,
      changed_keys: ["points", "tier"],
      changes: { points: 1250, tier: "Gold" },
    });
    // an update does not rewrite the profile properties
    expect(await db().syncTask.count({ where: { passId: pass.id, kind: "KLAVIYO_PROFILE" } })).toBe(1);
  });

  it("a profile sync that changes a pass sends Pass Updated too, with the correlation id of its task", async () => {
    const { tenant, key } = await klaviyoTenant();
    const email = `profile-${randomBytes(4).toString("hex")}@example.com`;
    const pass = await testPass(tenant, { email });
    const sync = await createTask(tenant.id, "PROFILE_SYNC", profileInput({ email, properties: { tier: "Platinum" } }));
    expect(await waitForTask(sync.id)).toMatchObject({ status: "SUCCEEDED" });
    const task = await outboundTask(pass.id, "UPDATED", "KLAVIYO_EVENT");
    expect(task).toMatchObject({ status: "SUCCEEDED", correlationId: sync.correlationId });
    const [sent] = accepted(await events(key), "Pass Updated");
    expect((sent!.body as { data: { attributes: { properties: unknown } } }).data.attributes.properties).toMatchObject({ changed_keys: ["tier"], changes: { tier: "Platinum" } });
  });

  it("honours Klaviyo's 429 Retry-After: the event arrives after at least 2 s, exactly once", async () => {
    const { tenant, key } = await klaviyoTenant();
    await mock.behave({ status: 429, count: 1, retryAfterSeconds: 2, path: "/api/events", key });
    const pass = await testPass(tenant, { email: `throttled-${randomBytes(4).toString("hex")}@example.com` });
    const task = await outboundTask(pass.id, "ISSUED", "KLAVIYO_EVENT");
    expect(task).toMatchObject({ status: "SUCCEEDED", attempts: 2, lastError: expect.stringContaining("throttled") });
    const requests = await mock.received({ key, path: "/api/events" });
    expect(requests.map((r) => r.status)).toEqual([429, 202]);
    expect(Date.parse(requests[1]!.at) - Date.parse(requests[0]!.at)).toBeGreaterThanOrEqual(2000);
    expect(requests[1]).toMatchObject({ metric: "Pass Issued", duplicate: false });
  });

  it("a 503 is retried with back-off and then succeeds", async () => {
    const { tenant, key } = await klaviyoTenant();
    await mock.behave({ status: 503, count: 1, path: "/api/profile-import", key });
    const pass = await testPass(tenant, { email: `unavailable-${randomBytes(4).toString("hex")}@example.com` });
    const task = await outboundTask(pass.id, "ISSUED", "KLAVIYO_PROFILE");
    expect(task).toMatchObject({ status: "SUCCEEDED", attempts: 2, lastError: expect.stringContaining("HTTP 503") });
    expect((await mock.received({ key, path: "/api/profile-import" })).map((r) => r.status)).toEqual([503, 201]);
  });

  it("a wrong key fails the task at once with the reason; a replay succeeds once the key is fixed", async () => {
    const tenant = await testTenant();
    const wrong = `pk_wrong_${randomBytes(12).toString("hex")}`;
    await updateTenantSettings(tenant.id, { klaviyoApiKey: wrong }, "test");
    const pass = await testPass(tenant, { email: `wrongkey-${randomBytes(4).toString("hex")}@example.com` });
    const failed = await outboundTask(pass.id, "ISSUED", "KLAVIYO_EVENT");
    expect(failed).toMatchObject({ status: "FAILED", attempts: 1, errorCode: "klaviyo_key_rejected", lastError: expect.stringMatching(/HTTP 401 not_authenticated: Missing or invalid private key/) });
    expect(await mock.received({ key: wrong, path: "/api/events" })).toMatchObject([{ status: 401 }]);

    const right = `pk_test_${randomBytes(12).toString("hex")}`;
    await mock.addKey(right);
    await updateTenantSettings(tenant.id, { klaviyoApiKey: right }, "test");
    const replay = await replayTask({ taskId: failed.id, actor: "test" });
    expect(await waitForTask(replay.id)).toMatchObject({ status: "SUCCEEDED", output: { sent: true, metric: "Pass Issued" } });
    expect(accepted(await events(right), "Pass Issued")).toHaveLength(1);
  });

  it("a key without a scope is refused with the missing scope named", async () => {
    const tenant = await testTenant();
    const key = `pk_test_${randomBytes(12).toString("hex")}`;
    await mock.addKey(key, ["events:write"]);
    await updateTenantSettings(tenant.id, { klaviyoApiKey: key }, "test");
    const pass = await testPass(tenant, { email: `scope-${randomBytes(4).toString("hex")}@example.com` });
    expect(await outboundTask(pass.id, "ISSUED", "KLAVIYO_EVENT")).toMatchObject({ status: "SUCCEEDED" });
    expect(await outboundTask(pass.id, "ISSUED", "KLAVIYO_PROFILE")).toMatchObject({ status: "FAILED", errorCode: "klaviyo_key_rejected", lastError: expect.stringContaining("profiles:write") });
  });

  it("a tenant without a key queues and sends nothing", async () => {
    const tenant = await testTenant();
    const pass = await testPass(tenant, { email: `nokey-${randomBytes(4).toString("hex")}@example.com` });
    const walletPass = await installed(tenant, pass.serialNumber);
    const device = new SimulatedDevice(appUrl, tenant.slug);
    expect((await device.register(walletPass)).status).toBe(201);
    expect(await db().passEvent.count({ where: { passId: pass.id } })).toBe(2); // ISSUED, INSTALLED: the funnel still counts
    expect(await db().syncTask.count({ where: { tenantId: tenant.id } })).toBe(0);
  });
});
