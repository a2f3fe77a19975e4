/**
 * The activity rollup on the real PostgreSQL: rows are backdated by SQL on tenants of the test's
 * own (no watermark yet, so the first rollup starts at their oldest row), then rolled up.
 */
import { describe, expect, it } from "vitest";
import { InngestTestEngine } from "@inngest/test";
import type { SyncTaskStatus, Tenant } from "@prisma/client";
import { activityRollup } from "@/inngest/functions/activity-rollup";
import { createTask, forgetActivity, pushUpdateInput, testDevice, testPass, testTenant } from "@/server/tooling/testing/tasks";
import { db } from "../db/client";
import { overviewStats } from "../console/overview";
import { closedUntil, rollUpTenant } from "./activity";

const HOUR = 3_600_000;
const now = new Date();
const hoursAgo = (n: number) => new Date(now.getTime() - n * HOUR);
const hourOf = (at: Date) => new Date(Math.floor(at.getTime() / HOUR) * HOUR);

/** A receipt and its task at `at`, the task finished then in `status`. */
async function taskAt(tenant: Tenant, at: Date, status: SyncTaskStatus) {
  const task = await createTask(tenant.id, "PASS_UPDATE", pushUpdateInput({ identifiers: { email: `a${at.getTime()}@example.com` } }), { dispatch: false });
  await db().$executeRaw`UPDATE "WebhookReceipt" SET "createdAt" = ${at} WHERE id = ${task.receiptId}`;
  await db().$executeRaw`UPDATE "SyncTask" SET "createdAt" = ${at}, status = ${status}::"SyncTaskStatus", "finishedAt" = ${at} WHERE id = ${task.id}`;
}

/** Receipts and tasks 30 days, 3 hours and 2 hours ago and a minute ago, and pushes 3 hours ago. */
async function seed(tenant: Tenant) {
  await taskAt(tenant, hoursAgo(30 * 24), "SUCCEEDED");
  await taskAt(tenant, hoursAgo(3), "SUCCEEDED");
  await taskAt(tenant, hoursAgo(3), "FAILED");
  await taskAt(tenant, hoursAgo(2), "SUCCEEDED");
  await taskAt(tenant, new Date(now.getTime() - 60_000), "SUCCEEDED");
  const pass = await testPass(tenant, { email: `p-${tenant.slug}@example.com` });
  await db().$executeRaw`UPDATE "Pass" SET "createdAt" = ${hoursAgo(40 * 24)} WHERE id = ${pass.id}`;
  const device = await testDevice(pass.id);
  for (const [versionTag, status] of [[1n, "ACCEPTED"], [2n, "ACCEPTED"], [3n, "REJECTED"]] as const) {
    await db().pushDelivery.create({ data: { passId: pass.id, deviceId: device.id, versionTag, status, createdAt: hoursAgo(3) } });
  }
  await forgetActivity(tenant.id);
}

const hours = (t: Tenant) =>
  db().activityHour.findMany({ where: { tenantId: t.id }, select: { hour: true, webhooks: true, succeeded: true, failed: true, pushes: true, pushFailures: true }, orderBy: { hour: "asc" } });
const overview = async (t: Tenant, range: "24h" | "7d") => (await overviewStats({ range, now })).tenants.find((s) => s.slug === t.slug)!;

describe("activity rollup", () => {
  it("counts each closed hour once, leaves the open hour to the overview, and the overview reads the same before and after", async () => {
    const tenant = await testTenant();
    await seed(tenant);
    const before = { day: await overview(tenant, "24h"), week: await overview(tenant, "7d") };
    expect(before.day.totals).toEqual({ webhooks: 4, succeeded: 3, failed: 1, pushes: 2, pushFailures: 1 });

    expect(await rollUpTenant(tenant.id, now)).toEqual(closedUntil(now));
    expect(await hours(tenant)).toEqual([
      { hour: hourOf(hoursAgo(30 * 24)), webhooks: 1, succeeded: 1, failed: 0, pushes: 0, pushFailures: 0 },
      { hour: hourOf(hoursAgo(3)), webhooks: 2, succeeded: 1, failed: 1, pushes: 2, pushFailures: 1 },
      { hour: hourOf(hoursAgo(2)), webhooks: 1, succeeded: 1, failed: 0, pushes: 0, pushFailures: 0 },
    ]);
    expect(await overview(tenant, "24h")).toEqual(before.day);
    expect(await overview(tenant, "7d")).toEqual(before.week);

    // a second rollup adds nothing; a row in a counted hour would not be counted again either
    await rollUpTenant(tenant.id, now);
    expect((await hours(tenant)).map((h) => h.webhooks)).toEqual([1, 2, 1]);
    // a row after the watermark is counted by the overview, not by the rollup
    await taskAt(tenant, new Date(now.getTime() - 30_000), "FAILED");
    await rollUpTenant(tenant.id, now);
    expect((await hours(tenant)).map((h) => h.webhooks)).toEqual([1, 2, 1]);
    expect((await overview(tenant, "24h")).totals).toEqual({ webhooks: 5, succeeded: 3, failed: 2, pushes: 2, pushFailures: 1 });
  });

  it("two rollups at once count every row once", async () => {
    const [once, twice] = [await testTenant(), await testTenant()];
    await seed(once);
    await seed(twice);
    await rollUpTenant(once.id, now);
    await Promise.all([rollUpTenant(twice.id, now), rollUpTenant(twice.id, now), rollUpTenant(twice.id, now)]);
    const counts = async (t: Tenant) => (await hours(t)).map((h) => [h.webhooks, h.succeeded, h.failed, h.pushes, h.pushFailures]);
    expect(await counts(twice)).toEqual(await counts(once));
  });

  it("a tenant without rows gets its watermark at once, and the function rolls up every tenant", async () => {
    const [empty, busy] = [await testTenant(), await testTenant()];
    await seed(busy);
    expect(await rollUpTenant(empty.id, now)).toEqual(closedUntil(now));
    expect(await db().activityRollup.findUnique({ where: { tenantId: empty.id } })).toMatchObject({ rolledUntil: closedUntil(now) });
    const { error } = await new InngestTestEngine({ function: activityRollup }).execute();
    expect(error).toBeUndefined();
    expect(await db().activityRollup.findUnique({ where: { tenantId: busy.id } })).toMatchObject({ rolledUntil: closedUntil() });
    expect((await hours(busy)).reduce((sum, h) => sum + h.webhooks, 0)).toBe(4);
  });
});
