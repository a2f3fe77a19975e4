import { describe, expect, inject, it } from "vitest";
import { InngestTestEngine } from "@inngest/test";
import type { Tenant } from "@prisma/client";
import { db } from "@/server/db/client";
import { pgTransaction } from "@/server/db/sql";
import { publishPassTypeRevision, savePassTypeRevision, showPassType } from "@/server/passes/revisions";
import { getPublish } from "@/server/passes/publish";
import { applyPassUpdate } from "@/server/passes/update";
import { updateTenantSettings } from "@/server/tenants/tenants";
import { findPassFile, pkpassFile } from "@/server/wallet/pass-file";
import { createPushSender } from "@/server/wallet/push";
import { seedHolders } from "@/server/tooling/testing/holders";
import { readZip } from "@/server/tooling/testing/pkpass-check";
import { recordingTransport } from "@/server/tooling/testing/push";
import { pushUpdateInput, testPass, testTenant } from "@/server/tooling/testing/tasks";
import { createPassTypePublish } from "./pass-type-publish";
import { passTypePublishRequestedEvent } from "../events";

const GREEN = "rgb(0, 90, 40)";

/** Saves the type's definition with another background color as a new revision and publishes it without sending the event. */
async function publishGreen(tenant: Tenant, opts: { batchSize?: number; notify?: string } = {}) {
  const current = await showPassType(tenant.id, "basic");
  await savePassTypeRevision({ tenant: tenant.id, key: "basic", definition: { ...current.definition, backgroundColor: GREEN }, actor: "test" });
  const r = await publishPassTypeRevision({ tenant: tenant.id, key: "basic", actor: "test", batchSize: opts.batchSize ?? 50, notify: opts.notify, dispatch: false });
  return r.publish!;
}

function runPublish(transport: ReturnType<typeof recordingTransport>, publish: { id: string; correlationId: string }, tenant: Tenant) {
  const t = new InngestTestEngine({
    function: createPassTypePublish(createPushSender(transport)),
    events: [passTypePublishRequestedEvent({ publishId: publish.id, tenantId: tenant.id, correlationId: publish.correlationId })],
  });
  return t.execute();
}

async function fastTenant() {
  const tenant = await testTenant();
  await updateTenantSettings(tenant.id, { publishPushesPerSecond: 100_000 }, "test");
  return db().tenant.findUniqueOrThrow({ where: { id: tenant.id } });
}

const passJsonOf = async (passId: string) => JSON.parse(readZip((await pkpassFile((await findPassFile({ passId }))!)).body).get("pass.json")!.toString()) as { storeCard: Record<string, { key: string; changeMessage?: string; value: unknown }[]> };

describe("pass-type-publish", () => {
  it("gives every live pass its new version once, in batches, and pushes each device once per revision", { timeout: 120_000 }, async () => {
    const tenant = await fastTenant();
    const { passTypeId } = await seedHolders({ tenantId: tenant.id, passTypeKey: "basic", count: 230, devices: true });
    const voided = await db().pass.findFirstOrThrow({ where: { passTypeId }, orderBy: { id: "desc" } });
    await db().pass.update({ where: { id: voided.id }, data: { voided: true } });
    const before = new Map((await db().pass.findMany({ where: { passTypeId }, select: { id: true, versionTag: true } })).map((p) => [p.id, p.versionTag]));
    const publish = await publishGreen(tenant);
    expect(publish).toMatchObject({ status: "RUNNING", total: 229, done: 0, pushesSent: 0, revision: 2, previousRevision: 1 });
    // saving and publishing changed nothing on the passes yet: the function does
    expect(await db().passChange.count({ where: { pass: { passTypeId } } })).toBe(0);

    const transport = recordingTransport();
    const { error, result } = await runPublish(transport, publish, tenant);
    expect(error).toBeUndefined();
    expect(result).toEqual({ status: "SUCCEEDED", total: 229, done: 229, pushesSent: 229, pushesFailed: 0, muted: 0 });
    const progress = (await getPublish(publish.id))!;
    expect(progress).toMatchObject({ status: "SUCCEEDED", percent: 100, etaSeconds: 0, done: 229, pushesSent: 229 });
    expect(progress.finishedAt).not.toBeNull();

    const after = await db().pass.findMany({ where: { passTypeId }, include: { changes: true } });
    for (const p of after) {
      if (p.id === voided.id) {
        expect(p.versionTag).toBe(before.get(p.id));
        continue;
      }
      expect(p.versionTag).toBeGreaterThan(before.get(p.id)!);
      expect(p.changes.map((c) => c.changes)).toEqual([{ passTypeRevision: { before: 1, after: 2 } }]);
      expect(p.metadata).toMatchObject({ backgroundColor: GREEN, layout: { primaryFields: ["points"], secondaryFields: ["tier"] } });
    }
    // every device once (the voided pass's too: not)
    const tokens = transport.pushes.map((p) => p.token);
    expect(tokens).toHaveLength(229);
    expect(new Set(tokens).size).toBe(229);
    const deliveries = await db().pushDelivery.findMany({ where: { pass: { passTypeId } }, select: { passId: true, versionTag: true, status: true } });
    expect(deliveries).toHaveLength(229);
    const version = new Map(after.map((p) => [p.id, p.versionTag]));
    expect(deliveries.every((d) => d.status === "ACCEPTED" && d.versionTag === version.get(d.passId))).toBe(true);

    // the run again (an Inngest retry or a repeated event): nothing bumped or pushed twice
    await db().$executeRaw`UPDATE "PassTypePublish" SET status = 'RUNNING' WHERE id = ${publish.id}`;
    expect((await runPublish(transport, publish, tenant)).result).toMatchObject({ done: 229, pushesSent: 229 });
    expect(transport.pushes).toHaveLength(229);
    expect(await db().passChange.count({ where: { pass: { passTypeId } } })).toBe(229);
  });

  it("resumes a batch bumped but not pushed (a crash between the two) without bumping it again", { timeout: 60_000 }, async () => {
    const tenant = await fastTenant();
    const { passTypeId } = await seedHolders({ tenantId: tenant.id, passTypeKey: "basic", count: 120, devices: true });
    const publish = await publishGreen(tenant);
    // the first batch bumped and committed, its push never recorded (the process died)
    const { bumpPublishBatch } = await import("@/server/passes/publish");
    expect(await bumpPublishBatch(publish.id)).toMatchObject({ kind: "push", after: null });
    expect((await getPublish(publish.id))!).toMatchObject({ done: 50, pushesSent: 0 });
    const transport = recordingTransport();
    expect((await runPublish(transport, publish, tenant)).result).toMatchObject({ status: "SUCCEEDED", done: 120, pushesSent: 120 });
    expect(new Set(transport.pushes.map((p) => p.token)).size).toBe(120);
    expect(transport.pushes).toHaveLength(120);
    expect(await db().passChange.count({ where: { pass: { passTypeId } } })).toBe(120);
  });

  // a row lock held by one connection while another waits for it: PGlite runs one session for every connection
  it.skipIf(inject("databaseEmbedded"))("keeps a webhook's change made while the publication runs, and the publication's (no lost update)", { timeout: 60_000 }, async () => {
    const tenant = await fastTenant();
    const { passTypeId } = await seedHolders({ tenantId: tenant.id, passTypeKey: "basic", count: 150, devices: true, prefix: `lu${Date.now().toString(36)}` });
    const passes = await db().pass.findMany({ where: { passTypeId }, orderBy: { id: "asc" }, include: { customer: true } });
    const publish = await publishGreen(tenant);
    const update = (i: number, points: number) =>
      pgTransaction((sql) => applyPassUpdate(sql, tenant, pushUpdateInput({ identifiers: { email: passes[i]!.customer.email! }, additionalData: { points } }), null));

    // a webhook holds the first pass's row lock while the first batch reaches it
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const held = pgTransaction(async (sql) => {
      const r = await applyPassUpdate(sql, tenant, pushUpdateInput({ identifiers: { email: passes[0]!.customer.email! }, additionalData: { points: 999 } }), null);
      locked();
      await gate;
      return r;
    });
    await isLocked;
    const transport = recordingTransport();
    const run = runPublish(transport, publish, tenant);
    await new Promise((r) => setTimeout(r, 500));
    expect((await getPublish(publish.id))!.done).toBe(0); // waiting for the lock
    // and webhooks on other passes while the walk runs
    const others = Promise.all([60, 70, 80, 110, 140].map((i) => update(i, 5000 + i)));
    release();
    await held;
    await others;
    expect((await run).result).toMatchObject({ status: "SUCCEEDED", done: 150 });

    for (const i of [0, 60, 70, 80, 110, 140]) {
      const p = await db().pass.findUniqueOrThrow({ where: { id: passes[i]!.id }, include: { changes: { orderBy: { versionTag: "asc" } } } });
      expect((p.data as { points: number }).points).toBe(i === 0 ? 999 : 5000 + i);
      expect(p.metadata).toMatchObject({ backgroundColor: GREEN });
      expect(p.changes.map((c) => Object.keys(c.changes as object)).sort()).toEqual([["passTypeRevision"], ["points"]]);
      expect(p.versionTag).toBe(p.changes.at(-1)!.versionTag);
      // its device has its latest version (pushed by the publication, or by the webhook's own pass-notify in the app)
      expect(((await passJsonOf(p.id)).storeCard.primaryFields ?? []).find((f) => f.key === "points")?.value).toBe(i === 0 ? 999 : 5000 + i);
    }
    expect(new Set(transport.pushes.map((p) => p.token)).size).toBe(transport.pushes.length);
  });
});

describe("notification budget", () => {
  it("mutes the 11th alerting update of a pass within 24 h: applied, built without changeMessage, recorded as muted", { timeout: 60_000 }, async () => {
    const tenant = await testTenant();
    const pass = await testPass(tenant, { email: "budget@example.com" }, { data: { points: 0, tier: "Member" } });
    const update = (additionalData: Record<string, string>) =>
      pgTransaction((sql) => applyPassUpdate(sql, tenant, pushUpdateInput({ identifiers: { email: "budget@example.com" }, additionalData }), null));
    for (let i = 1; i <= 10; i++) await update({ points: String(i * 10) });
    expect((await passJsonOf(pass.id)).storeCard.primaryFields!.find((f) => f.key === "points")!.changeMessage).toBe("You now have %@ points");
    await update({ points: "110" });
    const changes = await db().passChange.findMany({ where: { passId: pass.id }, orderBy: { versionTag: "asc" } });
    expect(changes.map((c) => [c.alerting, c.muted, c.mutedReason])).toEqual([...Array(10).fill([true, false, null]), [true, true, "daily_limit"]]);
    const muted = await db().pass.findUniqueOrThrow({ where: { id: pass.id } });
    expect(muted).toMatchObject({ alertsMuted: true, data: { points: 110 } });
    const json = await passJsonOf(pass.id);
    expect(json.storeCard.primaryFields!.find((f) => f.key === "points")).toMatchObject({ value: 110 });
    expect(Object.values(json.storeCard).flat().some((f) => f.changeMessage)).toBe(false);

    // a change of a field without changeMessage does not alert, and is not muted
    await update({ memberName: "Jane" });
    expect(await db().passChange.findFirstOrThrow({ where: { passId: pass.id }, orderBy: { versionTag: "desc" } })).toMatchObject({ alerting: false, muted: false });
    expect(await db().pass.findUniqueOrThrow({ where: { id: pass.id } })).toMatchObject({ alertsMuted: false });

    // spacing: with a larger daily budget and 5 minutes between alerts, an alert right after one is muted
    await updateTenantSettings(tenant.id, { notificationsPerDay: 100, notificationSpacingMinutes: 5 }, "test");
    await update({ points: "120" });
    expect(await db().passChange.findFirstOrThrow({ where: { passId: pass.id }, orderBy: { versionTag: "desc" } })).toMatchObject({ alerting: true, muted: true, mutedReason: "spacing" });
  });

  it("publish --notify: the lock-screen message is the pass's notice (changeMessage %@), muted where the budget is spent", { timeout: 60_000 }, async () => {
    const tenant = await fastTenant();
    await updateTenantSettings(tenant.id, { notificationsPerDay: 1 }, "test");
    const fresh = await testPass(tenant, { email: "notice-a@example.com" });
    const spent = await testPass(tenant, { email: "notice-b@example.com" });
    await pgTransaction((sql) => applyPassUpdate(sql, tenant, pushUpdateInput({ identifiers: { email: "notice-b@example.com" }, additionalData: { points: "5" } }), null));
    const publish = await publishGreen(tenant, { notify: "Our new look is here" });
    expect(publish.notify).toBe("Our new look is here");
    expect((await runPublish(recordingTransport(), publish, tenant)).result).toMatchObject({ status: "SUCCEEDED", done: 2, muted: 1 });

    const notice = (await passJsonOf(fresh.id)).storeCard.backFields!.find((f) => f.key === "passflowNotice");
    expect(notice).toEqual({ key: "passflowNotice", label: "Update", value: "Our new look is here", changeMessage: "%@" });
    expect((await passJsonOf(spent.id)).storeCard.backFields!.find((f) => f.key === "passflowNotice")).toEqual({ key: "passflowNotice", label: "Update", value: "Our new look is here" });
    const last = (passId: string) => db().passChange.findFirstOrThrow({ where: { passId }, orderBy: { versionTag: "desc" } });
    expect(await last(fresh.id)).toMatchObject({ alerting: true, muted: false, changes: { passTypeRevision: { before: 1, after: 2 }, notice: { after: "Our new look is here" } } });
    expect(await last(spent.id)).toMatchObject({ alerting: true, muted: true, mutedReason: "daily_limit" });
  });
});
