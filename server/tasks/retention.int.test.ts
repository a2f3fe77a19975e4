/**
 * Retention on the real PostgreSQL: rows are backdated by SQL, then purgeTenant applies the
 * tenant's settings. Each test works on tenants of its own (purgeTenant, not a run over every
 * tenant of the shared database) and records into a RetentionRun it created; the last runs the
 * data-retention function itself over every tenant.
 */
import { describe, expect, it } from "vitest";
import { InngestTestEngine } from "@inngest/test";
import { dataRetention } from "@/inngest/functions/data-retention";
import type { SyncTaskStatus, Tenant } from "@prisma/client";
import { db } from "../db/client";
import { poolSql } from "../db/sql";
import { recordPassEvent } from "../passes/events";
import { updateTenantSettings } from "../tenants/tenants";
import { getReceipt } from "../console/receipts";
import { overviewStats } from "../console/overview";
import { createTask, forgetActivity, pushUpdateInput, testDevice, testPass, testTenant } from "@/server/tooling/testing/tasks";
import { finishRetentionRun, purgeTenant, RETENTION_KINDS, startRetentionRun } from "./retention";

const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY);

/** A receipt and its task, `age` days old, the task in `status` (finished at creation). */
async function aged(tenant: Tenant, age: number, status: SyncTaskStatus, label: string) {
  const task = await createTask(tenant.id, "PASS_UPDATE", pushUpdateInput({ identifiers: { email: `${label}@example.com` } }), { dispatch: false });
  const at = daysAgo(age);
  await db().$executeRaw`UPDATE "WebhookReceipt" SET "createdAt" = ${at}, headers = '{"user-agent":"Klaviyo/1.0"}' WHERE id = ${task.receiptId}`;
  await db().$executeRaw`UPDATE "SyncTask" SET "createdAt" = ${at}, "queuedAt" = ${at}, status = ${status}::"SyncTaskStatus",
    "finishedAt" = ${status === "SUCCEEDED" || status === "FAILED" ? at : null}, "errorCode" = ${status === "FAILED" ? "pass_not_found" : null} WHERE id = ${task.id}`;
  return { taskId: task.id, receiptId: task.receiptId! };
}

/** A tenant's counts in ActivityHour over the UTC day of `at`. */
async function activityOn(tenant: Tenant, at: Date) {
  const day = new Date(Math.floor(at.getTime() / DAY) * DAY);
  const [sums] = await db().$queryRaw<[Record<string, number>]>`
    SELECT coalesce(sum(webhooks), 0)::int AS webhooks, coalesce(sum(succeeded), 0)::int AS succeeded, coalesce(sum(failed), 0)::int AS failed,
           coalesce(sum(pushes), 0)::int AS pushes, coalesce(sum("pushFailures"), 0)::int AS "pushFailures"
      FROM "ActivityHour" WHERE "tenantId" = ${tenant.id} AND hour >= ${day} AND hour < ${new Date(day.getTime() + DAY)}`;
  return sums;
}

/**
 * A replay of `taskId` created `age` days ago, in `status`. Queued just now: a replay QUEUED for
 * more than 60 s would be re-sent by the app's tasks-redispatch cron and run during the test.
 */
async function agedReplay(tenant: Tenant, taskId: string, age: number, status: SyncTaskStatus) {
  const original = await db().syncTask.findUniqueOrThrow({ where: { id: taskId } });
  const at = daysAgo(age);
  const replay = await db().syncTask.create({
    data: { tenantId: tenant.id, kind: original.kind, receiptId: original.receiptId, input: original.input!, correlationId: `${original.correlationId}.r1`, replayOfId: taskId, status, createdAt: at, queuedAt: new Date() },
  });
  return replay.id;
}

/** The same data in every tenant it is given: what each row is called and how old it is. */
async function seed(tenant: Tenant) {
  const rows = {
    fresh: await aged(tenant, 10, "SUCCEEDED", "fresh"),
    bodyExpired: await aged(tenant, 40, "SUCCEEDED", "body"),
    expired: await aged(tenant, 100, "SUCCEEDED", "expired"),
    replayable: await aged(tenant, 40, "FAILED", "replayable"),
    replayableExpired: await aged(tenant, 100, "FAILED", "replayable-expired"),
    replayedPending: await aged(tenant, 100, "FAILED", "replayed-pending"),
    running: await aged(tenant, 100, "RUNNING", "running"),
  };
  const pendingReplay = await agedReplay(tenant, rows.replayedPending.taskId, 1, "QUEUED");
  const pass = await testPass(tenant, { email: `pass-${tenant.slug}@example.com` });
  const device = await testDevice(pass.id);
  const oldChange = await db().passChange.create({ data: { passId: pass.id, taskId: rows.expired.taskId, versionTag: 1n, changes: {}, createdAt: daysAgo(100) } });
  const newChange = await db().passChange.create({ data: { passId: pass.id, taskId: rows.fresh.taskId, versionTag: 2n, changes: {}, createdAt: daysAgo(10) } });
  const oldPush = await db().pushDelivery.create({ data: { passId: pass.id, deviceId: device.id, versionTag: 1n, status: "ACCEPTED", createdAt: daysAgo(100) } });
  const oldFailedPush = await db().pushDelivery.create({ data: { passId: pass.id, deviceId: device.id, versionTag: 3n, status: "REJECTED", createdAt: daysAgo(100) } });
  const newPush = await db().pushDelivery.create({ data: { passId: pass.id, deviceId: device.id, versionTag: 2n, status: "ACCEPTED", createdAt: daysAgo(10) } });
  const event = (label: string, age: number) =>
    recordPassEvent(poolSql(), { tenantId: tenant.id, passId: pass.id, passTypeId: pass.passTypeId, kind: "PAGE_OPENED", dedupeKey: `retention:${label}:${pass.id}`, occurredAt: daysAgo(age) });
  const oldEvent = (await event("old", 100))!;
  const newEvent = (await event("new", 10))!;
  const patch = async (versionTag: bigint, age: number) => (await db().googleWalletPatch.create({ data: { passId: pass.id, versionTag, keys: ["loyaltyPoints"], status: 200, createdAt: daysAgo(age) } })).id;
  const oldPatch = await patch(1n, 100);
  const newPatch = await patch(2n, 10);
  const passImport = async (age: number, status: "SUCCEEDED" | "RUNNING") =>
    (await db().passImport.create({ data: { tenantId: tenant.id, passTypeId: pass.passTypeId, status, columns: ["email"], total: 1, bytes: 10, actor: "test", correlationId: `retention-${age}-${status}`, createdAt: daysAgo(age) } })).id;
  const oldImport = await passImport(100, "SUCCEEDED");
  const oldRunningImport = await passImport(100, "RUNNING"); // never deleted while it runs
  const newImport = await passImport(10, "SUCCEEDED");
  await forgetActivity(tenant.id);
  return {
    rows,
    pendingReplay,
    passChanges: { oldChange: oldChange.id, newChange: newChange.id },
    pushes: { oldPush: oldPush.id, oldFailedPush: oldFailedPush.id, newPush: newPush.id },
    passEvents: { oldEvent, newEvent },
    googlePatches: { oldPatch, newPatch },
    passImports: { oldImport, oldRunningImport, newImport },
  };
}
type Seeded = Awaited<ReturnType<typeof seed>>;

/** What is left of a seeded tenant, by row name: a task (with its input?), its receipt (with its body?). */
async function remains(s: Seeded) {
  const rows: Record<string, unknown> = {};
  for (const [name, { taskId, receiptId }] of Object.entries(s.rows)) {
    const task = await db().syncTask.findUnique({ where: { id: taskId }, select: { input: true } });
    const receipt = await db().webhookReceipt.findUnique({ where: { id: receiptId }, select: { rawBody: true, headers: true, bodyPurgedAt: true } });
    rows[name] = {
      task: task ? (task.input ? "with input" : "without input") : "deleted",
      receipt: receipt ? (receipt.rawBody !== null && receipt.headers !== null ? "with body" : receipt.bodyPurgedAt ? "body purged" : "inconsistent") : "deleted",
    };
  }
  for (const [name, id] of Object.entries(s.passChanges)) rows[name] = (await db().passChange.count({ where: { id } })) ? "kept" : "deleted";
  for (const [name, id] of Object.entries(s.pushes)) rows[name] = (await db().pushDelivery.count({ where: { id } })) ? "kept" : "deleted";
  for (const [name, id] of Object.entries(s.passEvents)) rows[name] = (await db().passEvent.count({ where: { id } })) ? "kept" : "deleted";
  for (const [name, id] of Object.entries(s.googlePatches)) rows[name] = (await db().googleWalletPatch.count({ where: { id } })) ? "kept" : "deleted";
  for (const [name, id] of Object.entries(s.passImports)) rows[name] = (await db().passImport.count({ where: { id } })) ? "kept" : "deleted";
  return rows;
}

/** A run to count into, marked finished so that startRetentionRun never continues it. */
const newRun = async () => (await db().retentionRun.create({ data: { finishedAt: new Date() } })).id;
const runCounts = async (id: string) => {
  const run = await db().retentionRun.findUniqueOrThrow({ where: { id } });
  return Object.fromEntries(RETENTION_KINDS.map((k) => [k, run[k]]));
};

const EXPECTED_AFTER_PURGE = {
  fresh: { task: "with input", receipt: "with body" },
  bodyExpired: { task: "with input", receipt: "body purged" },
  expired: { task: "deleted", receipt: "deleted" },
  replayable: { task: "with input", receipt: "body purged" },
  replayableExpired: { task: "deleted", receipt: "deleted" },
  // its replay has not finished: the original keeps its input (and its receipt, which the replay references)
  replayedPending: { task: "with input", receipt: "body purged" },
  running: { task: "with input", receipt: "body purged" },
  oldChange: "deleted",
  newChange: "kept",
  oldPush: "deleted",
  oldFailedPush: "deleted",
  newPush: "kept",
  oldEvent: "deleted",
  newEvent: "kept",
  oldPatch: "deleted",
  newPatch: "kept",
  oldImport: "deleted",
  oldRunningImport: "kept",
  newImport: "kept",
};
const EXPECTED_COUNTS = { receiptBodiesPurged: 6, pushDeliveriesDeleted: 2, passChangesDeleted: 1, passEventsDeleted: 1, googlePatchesDeleted: 1, passImportsDeleted: 1, tasksDeleted: 2, receiptsDeleted: 2 };

describe("retention", () => {
  it("removes bodies after the raw-body period and rows after the retention period, keeping replayable failures, running tasks and pending replays' originals", async () => {
    const tenant = await testTenant();
    const s = await seed(tenant);
    const runId = await newRun();
    const { done, counts } = await purgeTenant({ runId, tenantId: tenant.id });
    expect(done).toBe(true);
    expect(await remains(s)).toEqual(EXPECTED_AFTER_PURGE);
    expect(counts).toEqual(EXPECTED_COUNTS);
    expect(await runCounts(runId)).toEqual(EXPECTED_COUNTS);

    // a receipt past the raw-body period keeps its metadata and the tasks it created
    const purged = await getReceipt(s.rows.bodyExpired.receiptId);
    expect(purged).toMatchObject({ rawBody: null, headers: null, responseStatus: 200, bodyRemoved: { afterDays: 30 } });
    expect(purged.tasks.map((t) => t.id)).toEqual([s.rows.bodyExpired.taskId]);
    expect((await getReceipt(s.rows.fresh.receiptId)).headers).toEqual({ "user-agent": "Klaviyo/1.0" });

    // the rollup counted the day's rows before retention deleted them: 100 days ago, 4 receipts,
    // 3 finished tasks (the running one has not finished), 2 pushes, one of them rejected
    expect(await activityOn(tenant, daysAgo(100))).toEqual({ webhooks: 4, succeeded: 1, failed: 2, pushes: 1, pushFailures: 1 });

    // once the replay finishes, the original goes; the receipt stays while the replay references it
    await db().syncTask.update({ where: { id: s.pendingReplay }, data: { status: "SUCCEEDED", finishedAt: new Date() } });
    const again = await purgeTenant({ runId, tenantId: tenant.id });
    expect(again.counts).toEqual({ receiptBodiesPurged: 0, pushDeliveriesDeleted: 0, passChangesDeleted: 0, passEventsDeleted: 0, googlePatchesDeleted: 0, passImportsDeleted: 0, tasksDeleted: 1, receiptsDeleted: 0 });
    expect((await remains(s)).replayedPending).toEqual({ task: "deleted", receipt: "body purged" });
    expect(await db().syncTask.findUniqueOrThrow({ where: { id: s.pendingReplay }, select: { replayOfId: true, receiptId: true } })).toEqual({
      replayOfId: null,
      receiptId: s.rows.replayedPending.receiptId,
    });
  });

  it("follows the tenant's settings: shorter periods remove more, a replayable failure goes once the retention period has passed", async () => {
    const tenant = await testTenant();
    await updateTenantSettings(tenant.id, { rawBodyRetentionDays: 5, retentionDays: 30 }, "test");
    const s = await seed(tenant);
    await purgeTenant({ runId: await newRun(), tenantId: tenant.id });
    const left = await remains(s);
    expect(left.fresh).toEqual({ task: "with input", receipt: "body purged" }); // 10 days > 5
    expect(left.bodyExpired).toEqual({ task: "deleted", receipt: "deleted" }); // 40 days > 30
    expect(left.replayable).toEqual({ task: "deleted", receipt: "deleted" });
    expect(left.newChange).toBe("kept");
    expect(left.newPush).toBe("kept");
    expect(left.oldEvent).toBe("deleted");
    expect(left.newEvent).toBe("kept");
  });

  it("a purge stopped after one batch and run again ends as one full run, and the next run continues the unfinished one", async () => {
    const EXPECTED_ZERO = { receiptBodiesPurged: 0, pushDeliveriesDeleted: 0, passChangesDeleted: 0, passEventsDeleted: 0, googlePatchesDeleted: 0, passImportsDeleted: 0, tasksDeleted: 0, receiptsDeleted: 0 };
    const [whole, halves] = [await testTenant(), await testTenant()];
    const [a, b] = [await seed(whole), await seed(halves)];
    const fullRun = await newRun();
    expect((await purgeTenant({ runId: fullRun, tenantId: whole.id, batchSize: 2 })).done).toBe(true);

    // the first run stops after one batch, as if killed: its row stays unfinished
    await db().retentionRun.updateMany({ where: { finishedAt: null }, data: { finishedAt: new Date() } });
    const first = await startRetentionRun();
    const stopped = await purgeTenant({ runId: first, tenantId: halves.id, batchSize: 2, maxBatches: 1 });
    expect(stopped).toEqual({ done: false, counts: { ...EXPECTED_ZERO, receiptBodiesPurged: 2 } });
    const partial = await remains(b);
    expect(Object.values(partial).filter((r) => typeof r === "object" && (r as { receipt: string }).receipt === "body purged")).toHaveLength(2);
    expect(Object.values(partial).filter((r) => r === "deleted" || (typeof r === "object" && (r as { task: string }).task === "deleted"))).toHaveLength(0);
    expect(await db().retentionRun.findUniqueOrThrow({ where: { id: first } })).toMatchObject({ finishedAt: null, receiptBodiesPurged: 2 });

    // the next run continues it
    const next = await startRetentionRun();
    expect(next).toBe(first);
    expect((await purgeTenant({ runId: next, tenantId: halves.id, batchSize: 2 })).done).toBe(true);
    await finishRetentionRun(next);
    expect(await remains(b)).toEqual(await remains(a));
    expect(await remains(b)).toEqual(EXPECTED_AFTER_PURGE);
    expect(await runCounts(next)).toEqual(await runCounts(fullRun));
    expect(await activityOn(halves, daysAgo(100))).toEqual(await activityOn(whole, daysAgo(100)));
    expect((await db().retentionRun.findUniqueOrThrow({ where: { id: next } })).finishedAt).not.toBeNull();
  });

  it("the overview's 7-day counts are the same before and after retention deleted the rows", async () => {
    const tenant = await testTenant();
    await updateTenantSettings(tenant.id, { rawBodyRetentionDays: 1, retentionDays: 1 }, "test");
    for (const [age, status] of [[3, "SUCCEEDED"], [3, "FAILED"], [2, "SUCCEEDED"], [0.1, "SUCCEEDED"]] as const) await aged(tenant, age, status, `o${age}${status}`);
    const pass = await testPass(tenant, { email: "overview@example.com" });
    const device = await testDevice(pass.id);
    await db().pushDelivery.create({ data: { passId: pass.id, deviceId: device.id, versionTag: 1n, status: "ACCEPTED", createdAt: daysAgo(3) } });
    await forgetActivity(tenant.id);
    const now = new Date();
    const series = async () => (await overviewStats({ range: "7d", now })).tenants.find((t) => t.slug === tenant.slug)!;
    const before = await series();
    expect(before.totals).toMatchObject({ webhooks: 4, succeeded: 3, failed: 1, pushes: 1 });
    const { counts } = await purgeTenant({ runId: await newRun(), tenantId: tenant.id });
    expect(counts).toMatchObject({ tasksDeleted: 3, receiptsDeleted: 3, pushDeliveriesDeleted: 1 });
    expect(await series()).toEqual(before);
  });

  it("the data-retention function purges every tenant and records a finished run", async () => {
    const [one, two] = [await testTenant(), await testTenant()];
    const [a, b] = [await seed(one), await seed(two)];
    await db().retentionRun.updateMany({ where: { finishedAt: null }, data: { finishedAt: new Date() } });
    const { result, error } = await new InngestTestEngine({ function: dataRetention }).execute();
    expect(error).toBeUndefined();
    expect(await remains(a)).toEqual(EXPECTED_AFTER_PURGE);
    expect(await remains(b)).toEqual(EXPECTED_AFTER_PURGE);
    const run = await db().retentionRun.findUniqueOrThrow({ where: { id: (result as { id: string }).id } });
    expect(run.finishedAt).not.toBeNull();
    // at least what the two tenants held (other test files' tenants hold nothing this old)
    for (const kind of RETENTION_KINDS) expect(run[kind]).toBeGreaterThanOrEqual(2 * EXPECTED_COUNTS[kind]);
  });
});
