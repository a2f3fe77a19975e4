/**
 * The durable pipeline over real HTTP: Klaviyo webhooks to the running app's listeners, the
 * embedded executor driving /api/inngest, a real PostgreSQL.
 */
import { afterEach, describe, expect, inject, it } from "vitest";
import { db } from "@/server/db/client";
import { dispatchTasks } from "./dispatch";
import { klaviyoSample, klaviyoSampleBytes } from "@/server/tooling/testing/klaviyo-samples";
import { klaviyoSignature } from "@/server/klaviyo/signature";
import { getPassDetail } from "@/server/console/passes";
import { getCustomerDetail } from "@/server/console/customers";
import { getTask } from "@/server/tasks/queries";
import { issueJanePass, makeTenant } from "@/server/tooling/testing/tenants";
import { eventually, testDevice, waitForTask } from "@/server/tooling/testing/tasks";
import { startMerchantMock, type MerchantMock } from "@/server/tooling/testing/merchant";
import { runCli } from "@/server/tooling/testing/cli";

const APP = inject("appUrl");
const PUSH = "passes/pushUpdate";
const SYNC = "profiles/sync";

function post(slug: string, endpoint: string, apiKey: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${APP}/api/${slug}/webhooks/listeners/klaviyo/${endpoint}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}`, ...headers },
    body: JSON.stringify(body),
  });
}

async function taskOf(correlationId: string) {
  return eventually(() => db().syncTask.findFirst({ where: { correlationId } }));
}

const mocks: MerchantMock[] = [];
afterEach(async () => {
  await Promise.all(mocks.splice(0).map((m) => m.close()));
});

describe("pipeline over HTTP on the embedded executor", () => {
  it("sample pushUpdate → task SUCCEEDED → typed pass data → pass.changed → push recorded", async () => {
    const t = await makeTenant();
    const { serialNumber } = await issueJanePass(t.slug);
    const before = await db().pass.findUniqueOrThrow({ where: { serialNumber } });
    const device = await testDevice(before.id);
    const f = klaviyoSample("flow-push-update.points.json").request;
    const res = await post(t.slug, PUSH, t.apiKey, f.body);
    expect(res.status).toBe(200);
    const correlationId = res.headers.get("x-correlation-id")!;

    const task = await waitForTask((await taskOf(correlationId))!.id);
    expect(task).toMatchObject({ status: "SUCCEEDED", attempts: 1, passId: before.id, output: { changed: true } });
    const after = await db().pass.findUniqueOrThrow({ where: { serialNumber } });
    expect(after.data).toEqual({ memberName: "Jane Doe", points: 1480, tier: "Gold" });
    expect(after.versionTag > before.versionTag).toBe(true);
    const delivery = await eventually(() => db().pushDelivery.findFirst({ where: { passId: before.id, deviceId: device.id } }));
    expect(delivery).toMatchObject({ versionTag: after.versionTag, correlationId });
    const eventIds = [`task-${task.id}`, `pass-changed-${before.id}-${after.versionTag}`, `google-object-sync-${before.id}-${after.versionTag}`];
    // pass.changed runs pass-notify (APNs); a pass with no Google Wallet object gets no google-sync run
    await eventually(async () => (await db().executorRun.count({ where: { eventId: { in: eventIds }, status: "COMPLETED" } })) === 2);
    // (a google-sync run, had one been sent, would have been stored by the same statement as pass-notify's)
    const runs = await db().executorRun.findMany({ where: { eventId: { in: eventIds } } });
    expect(runs.map((r) => [r.functionId, r.status]).sort()).toEqual([
      ["passflow-pass-notify", "COMPLETED"],
      ["passflow-pass-update", "COMPLETED"],
    ]);
  });

  it("sample profiles/sync → customer updated → merchant receives one signed sync-back", async () => {
    const t = await makeTenant();
    await issueJanePass(t.slug);
    const merchant = await startMerchantMock(t.tenant.id);
    mocks.push(merchant);
    const f = klaviyoSample("flow-profile-sync.json").request;
    const res = await post(t.slug, SYNC, t.apiKey, f.body);
    expect(res.status).toBe(202);
    const { correlationId } = (await res.json()) as { correlationId: string };
    const task = await waitForTask((await taskOf(correlationId))!.id);
    expect(task).toMatchObject({ status: "SUCCEEDED", output: { matchedBy: "email", syncBack: { status: 200 } } });
    expect((await db().customer.findFirstOrThrow({ where: { tenantId: t.tenant.id, email: "jane.doe@example.com" } })).phone).toBe("+14155550177");
    expect(merchant.received).toHaveLength(1);
    expect(merchant.received[0]).toMatchObject({ verified: true, headers: { "x-passflow-origin": "passflow", "x-correlation-id": correlationId } });
  });

  it("processes a duplicate delivery once: same Idempotency-Key, and the same event sent again", async () => {
    const t = await makeTenant();
    const { serialNumber } = await issueJanePass(t.slug);
    const body = { identifiers: { email: "jane.doe@example.com" }, additionalData: { points: "2000" } };
    const first = await post(t.slug, PUSH, t.apiKey, body, { "idempotency-key": "delivery-1" });
    const second = await post(t.slug, PUSH, t.apiKey, body, { "idempotency-key": "delivery-1" });
    expect(second.headers.get("x-correlation-id")).toBe(first.headers.get("x-correlation-id"));
    const task = await waitForTask((await taskOf(first.headers.get("x-correlation-id")!))!.id);
    expect(task.status).toBe("SUCCEEDED");
    await dispatchTasks([task]); // Inngest may deliver an event twice; the event id is the task's
    await new Promise((r) => setTimeout(r, 500));
    expect(await db().syncTask.count({ where: { tenantId: t.tenant.id } })).toBe(1);
    expect(await db().executorRun.count({ where: { eventId: `task-${task.id}` } })).toBe(1);
    const pass = await db().pass.findUniqueOrThrow({ where: { serialNumber } });
    expect(await db().passChange.count({ where: { passId: pass.id } })).toBe(1);
    expect((await db().syncTask.findUniqueOrThrow({ where: { id: task.id } })).attempts).toBe(1);
  });

  it("a failed task replayed after the cause is fixed succeeds (CLI task replay / show / list)", { timeout: 240_000 }, async () => {
    const t = await makeTenant();
    const res = await post(t.slug, PUSH, t.apiKey, { identifiers: { email: "late@example.com" }, additionalData: { points: "10" } });
    const failed = await waitForTask((await taskOf(res.headers.get("x-correlation-id")!))!.id);
    expect(failed).toMatchObject({ status: "FAILED", errorCode: "pass_not_found", lastError: "no customer matches email late@example.com" });

    const refused = await runCli(["task", "replay", failed.id.replace(/.$/, "x")]);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error: no sync task/) });

    // the cause is fixed: the customer gets a pass
    expect((await runCli(["pass", "issue", "--tenant", t.slug, "--type", "basic", "--email", "late@example.com"])).code).toBe(0);
    const replay = await runCli(["task", "replay", failed.id, "--json"]);
    expect(replay.stderr).toBe("");
    const created = JSON.parse(replay.stdout) as { id: string; replayOfId: string; correlationId: string };
    expect(created).toMatchObject({ replayOfId: failed.id, correlationId: `${failed.correlationId}.r1` });
    expect(await waitForTask(created.id)).toMatchObject({ status: "SUCCEEDED", output: { changed: true }, input: failed.input });
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "task.replay", targetId: failed.id } });
    expect(audit).toMatchObject({ actor: "cli", details: { replayTaskId: created.id } });

    const again = await runCli(["task", "replay", created.id]);
    expect(again.stderr).toMatch(/SUCCEEDED; replay it with force/);
    const shown = JSON.parse((await runCli(["task", "show", failed.id, "--json"])).stdout);
    expect(shown).toMatchObject({ id: failed.id, status: "FAILED", tenant: t.slug, replays: [{ id: created.id, status: "SUCCEEDED" }] });
    const listed = JSON.parse((await runCli(["task", "list", "--tenant", t.slug, "--status", "failed", "--json"])).stdout) as { id: string }[];
    expect(listed.map((r) => r.id)).toEqual([failed.id]);
  });

  it("retries the merchant sync-back with back-off on the executor, and ends FAILED through onFailure on a 400", async () => {
    const t = await makeTenant();
    await issueJanePass(t.slug);
    const merchant = await startMerchantMock(t.tenant.id);
    mocks.push(merchant);
    merchant.respond(503);
    const ok = await post(t.slug, SYNC, t.apiKey, { email: "jane.doe@example.com", properties: { tier: "Silver" } });
    const retried = await waitForTask((await taskOf(((await ok.json()) as { correlationId: string }).correlationId))!.id);
    expect(retried).toMatchObject({ status: "SUCCEEDED", attempts: 2, lastError: "merchant system answered HTTP 503" });
    expect(merchant.received).toHaveLength(2);

    merchant.respond(400);
    const bad = await post(t.slug, SYNC, t.apiKey, { email: "jane.doe@example.com", properties: { tier: "Bronze" } });
    const failed = await waitForTask((await taskOf(((await bad.json()) as { correlationId: string }).correlationId))!.id);
    expect(failed).toMatchObject({ status: "FAILED", errorCode: "merchant_rejected", attempts: 1 });
    const run = await eventually(() => db().executorRun.findFirst({ where: { eventId: `task-${failed.id}`, status: "FAILED" } }));
    expect(run).toBeTruthy();
    const onFailure = await eventually(() => db().executorRun.findFirst({ where: { eventId: `failed-${run!.id}`, status: "COMPLETED" } }));
    expect(onFailure?.functionId).toBe("passflow-profile-sync-failure");

    // the failed task's change (Bronze) was applied; a newer change (Gold) follows; replaying the
    // failed task then only redoes its sync-back and never puts Bronze back
    merchant.respond(200);
    const newer = await post(t.slug, SYNC, t.apiKey, { email: "jane.doe@example.com", properties: { tier: "Gold" } });
    expect((await waitForTask((await taskOf(((await newer.json()) as { correlationId: string }).correlationId))!.id)).status).toBe("SUCCEEDED");
    const pass = await db().pass.findFirstOrThrow({ where: { tenantId: t.tenant.id } });
    expect(pass.data).toMatchObject({ tier: "Gold" });
    const changesBefore = await db().passChange.count({ where: { passId: pass.id } });
    const syncsBefore = merchant.received.length;

    const replay = await runCli(["task", "replay", failed.id, "--json"]);
    const created = JSON.parse(replay.stdout) as { id: string };
    const replayed = await waitForTask(created.id);
    expect(replayed).toMatchObject({ status: "SUCCEEDED", output: { syncBack: { status: 200 } } });
    expect((await db().pass.findUniqueOrThrow({ where: { id: pass.id } })).data).toMatchObject({ tier: "Gold" });
    expect(await db().passChange.count({ where: { passId: pass.id } })).toBe(changesBefore);
    expect(merchant.received).toHaveLength(syncsBefore + 1);
    expect(merchant.received.at(-1)!.body).toMatchObject({ changes: { "properties.tier": { after: "Bronze" } } });
    // sent with the time Bronze was applied, before Gold's, so the merchant can tell it is older
    const bronzeAt = (merchant.received.at(-1)!.body as { occurredAt: string }).occurredAt;
    const goldAt = (merchant.received.at(-2)!.body as { occurredAt: string; changes: object }).occurredAt;
    expect(merchant.received.at(-2)!.body).toMatchObject({ changes: { "properties.tier": { after: "Gold" } } });
    const failedOutput = (await db().syncTask.findUniqueOrThrow({ where: { id: failed.id } })).output as { appliedAt: string };
    expect(bronzeAt).toBe(failedOutput.appliedAt);
    expect(Date.parse(bronzeAt)).toBeLessThan(Date.parse(goldAt));
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "task.replay", targetId: failed.id } });
    expect(audit.details).toMatchObject({ replayTaskId: created.id, resumesAppliedChange: true });
  });

  it("a pushUpdate with an invalid value for an existing pass ends FAILED invalid_field_value on that pass and customer, and their pages list it", async () => {
    const t = await makeTenant();
    const { serialNumber } = await issueJanePass(t.slug);
    const pass = await db().pass.findUniqueOrThrow({ where: { serialNumber } });
    const res = await post(t.slug, PUSH, t.apiKey, { identifiers: { email: "jane.doe@example.com" }, additionalData: { points: "lots" } });
    expect(res.status).toBe(200);
    const task = await waitForTask((await taskOf(res.headers.get("x-correlation-id")!))!.id);
    expect(task).toMatchObject({ status: "FAILED", errorCode: "invalid_field_value", passId: pass.id, customerRecordId: pass.customerRecordId });
    expect((await db().pass.findUniqueOrThrow({ where: { id: pass.id } })).versionTag).toBe(pass.versionTag); // nothing written

    expect((await getPassDetail(serialNumber)).tasks).toEqual([expect.objectContaining({ id: task.id, status: "FAILED", errorCode: "invalid_field_value" })]);
    expect((await getCustomerDetail(pass.customerRecordId)).history.map((h) => h.id)).toContain(task.id);
    expect(await getTask(task.id)).toMatchObject({ pass: { serialNumber }, customer: { id: pass.customerRecordId, email: "jane.doe@example.com" } });
  });

  describe("consent as Klaviyo models it: subscribed but suppressed", () => {
    const secret = "passflow-pipeline-whsecret-01";
    const template = klaviyoSampleBytes(klaviyoSample("system-email-suppressed.json").request.bodyFile!);

    /** One signed system-webhook event for Jane (the sample's, with this topic, id and time). */
    async function sendEvent(slug: string, topic: string, id: string, at: Date) {
      const envelope = JSON.parse(template) as { data: { topic: string; external_id: string; payload: { data: { id: string; attributes: Record<string, unknown> } } }[]; meta: { klaviyo_webhook_id: string } };
      const event = envelope.data[0]!;
      Object.assign(event, { topic, external_id: id });
      event.payload.data.id = id;
      Object.assign(event.payload.data.attributes, { datetime: at.toISOString(), timestamp: Math.floor(at.getTime() / 1000) });
      const body = JSON.stringify(envelope);
      const timestamp = new Date().toUTCString();
      const res = await fetch(`${APP}/api/${slug}/webhooks/listeners/klaviyo/${SYNC}`, {
        method: "POST",
        headers: { "content-type": "application/json", "klaviyo-webhook-id": envelope.meta.klaviyo_webhook_id, "klaviyo-timestamp": timestamp, "klaviyo-signature": klaviyoSignature(secret, body, timestamp) },
        body,
      });
      expect(res.status).toBe(202);
      return waitForTask((await taskOf(((await res.json()) as { correlationId: string }).correlationId))!.id);
    }

    it("a sync's suppression list is kept beside SUBSCRIBED; a suppress event adds one and keeps the status; an older event is not applied; a resubscribe lifts them", async () => {
      const t = await makeTenant({ settings: { klaviyoWebhookSecret: secret } });
      await issueJanePass(t.slug);
      const merchant = await startMerchantMock(t.tenant.id);
      mocks.push(merchant);
      const jane = () => db().customer.findFirstOrThrow({ where: { tenantId: t.tenant.id, email: "jane.doe@example.com" } });

      const f = klaviyoSample("flow-profile-sync.suppressed.json").request;
      const res = await post(t.slug, SYNC, t.apiKey, f.body);
      expect(res.status).toBe(202);
      const synced = await waitForTask((await taskOf(((await res.json()) as { correlationId: string }).correlationId))!.id);
      expect(synced.status).toBe("SUCCEEDED");
      const hardBounce = { reason: "HARD_BOUNCE", timestamp: "2026-11-29T18:20:05.000Z" };
      const bounced = {
        status: "SUBSCRIBED",
        suppressions: [hardBounce],
        canReceiveMarketing: false,
        consentAt: "2026-06-14T09:12:44.000Z",
        method: "PREFERENCE_PAGE",
      };
      const sms = { status: "SUBSCRIBED", suppressions: [], canReceiveMarketing: true, consentAt: "2026-11-30T14:04:00.000Z", method: "TEXT" };
      expect((await jane()).consent).toMatchObject({ email: bounced, sms });
      const customer = await getCustomerDetail((await jane()).id);
      expect(customer.consent).toMatchObject({ email: bounced, sms });
      expect(merchant.received).toHaveLength(1);
      expect(merchant.received[0]!.body).toMatchObject({
        customer: { consent: { email: bounced, sms } },
        changes: {
          "consent.email": { before: null, after: "SUBSCRIBED" },
          "consent.email.suppressions": { before: [], after: ["HARD_BOUNCE"] },
          "consent.email.canReceiveMarketing": { after: false },
        },
      });

      // Klaviyo's events happen after the sync was applied
      const base = Date.now();
      const spam = await sendEvent(t.slug, "event:klaviyo.marked_email_as_spam", "evt-spam", new Date(base + 2_000));
      expect(spam).toMatchObject({ status: "SUCCEEDED", output: { customerChanges: { "consent.email.suppressions": { before: ["HARD_BOUNCE"], after: ["HARD_BOUNCE", "SPAM_COMPLAINT"] } } } });
      expect((await jane()).consent).toMatchObject({
        email: { status: "SUBSCRIBED", canReceiveMarketing: false, suppressions: [hardBounce, { reason: "SPAM_COMPLAINT", timestamp: new Date(base + 2_000).toISOString() }] },
      });

      const older = await sendEvent(t.slug, "event:klaviyo.manually_unsuppressed_from_email_marketing", "evt-old-unsuppress", new Date(base + 1_000));
      expect(older.status).toBe("SUCCEEDED");
      expect((older.output as { customerChanges: object }).customerChanges).toEqual({});
      expect(((await jane()).consent as { email: { suppressions: unknown[] } }).email.suppressions).toHaveLength(2);

      const resubscribed = await sendEvent(t.slug, "event:klaviyo.subscribed_to_email_marketing", "evt-resubscribe", new Date(base + 3_000));
      expect(resubscribed.status).toBe("SUCCEEDED");
      expect((await jane()).consent).toMatchObject({ email: { status: "SUBSCRIBED", suppressions: [], canReceiveMarketing: true, updatedAt: new Date(base + 3_000).toISOString() }, sms });
      expect(merchant.received.at(-1)!.body).toMatchObject({ customer: { consent: { email: { status: "SUBSCRIBED", suppressions: [], canReceiveMarketing: true } } } });
    });
  });
});
