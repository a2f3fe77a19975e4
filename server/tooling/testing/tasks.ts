/**
 * Test helpers for the durable pipeline: tenants with passes and devices, and tasks created the
 * way the Klaviyo listeners create them (one transaction: WebhookReceipt + SyncTask QUEUED, then
 * the event is dispatched).
 */
import { randomUUID } from "node:crypto";
import type { Prisma, SyncTask, SyncTaskKind, Tenant } from "@prisma/client";
import { db } from "@/server/db/client";
import { createTenant } from "@/server/tenants/tenants";
import { issuePass } from "@/server/passes/passes";
import { dispatchTasks } from "@/inngest/dispatch";
import type { PassUpdateInput } from "@/server/passes/update";
import type { ProfileSyncInput } from "@/server/customers/profile-sync";
import { ROLLUP_LOCK } from "@/server/tasks/activity";
import { uniqueSlug } from "./cli";

/**
 * Forgets what the activity rollup counted of a tenant (its hourly counts and watermark), under
 * the rollup's lock: call it after backdating rows, so the next rollup counts them all from the
 * tenant's first row, even if a rollup of every tenant ran while they were being written.
 */
export async function forgetActivity(tenantId: string): Promise<void> {
  await db().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${ROLLUP_LOCK}), hashtext(${tenantId}))`;
    await tx.activityHour.deleteMany({ where: { tenantId } });
    await tx.activityRollup.deleteMany({ where: { tenantId } });
  });
}

/** A fresh tenant (starter pass types basic and premium). */
export async function testTenant(opts: { customIdentifierKeys?: string[] } = {}): Promise<Tenant> {
  return createTenant({ slug: uniqueSlug("dur"), name: "Durable Test", customIdentifierKeys: opts.customIdentifierKeys, actor: "test" });
}

/** Issues a pass and returns its row. */
export async function testPass(tenant: Tenant, identifiers: Record<string, string>, opts: { passType?: string; data?: Record<string, unknown> } = {}) {
  const { serialNumber } = await issuePass({ tenant: tenant.id, passType: opts.passType ?? "basic", identifiers, data: opts.data });
  return db().pass.findUniqueOrThrow({ where: { serialNumber }, include: { passType: true } });
}

/** Registers a device for the pass (as the PassKit web service would). */
export async function testDevice(passId: string) {
  const device = await db().device.create({ data: { deviceLibraryIdentifier: randomUUID(), pushToken: randomUUID().replaceAll("-", "").repeat(2) } });
  await db().registration.create({ data: { deviceId: device.id, passId } });
  return device;
}

export const pushUpdateInput = (input: Partial<PassUpdateInput> & Pick<PassUpdateInput, "identifiers">): PassUpdateInput => ({
  passType: null,
  additionalData: null,
  updateMetadata: false,
  ...input,
});

export const profileInput = (input: Partial<ProfileSyncInput>): ProfileSyncInput => ({
  source: "flow",
  klaviyoProfileId: null,
  email: null,
  phone: null,
  externalId: null,
  properties: null,
  consent: null,
  topic: null,
  eventId: null,
  occurredAt: null,
  origin: null,
  ...input,
});

/** Writes a receipt and a QUEUED task in one transaction, like a listener; `dispatch: false` skips the emit. */
export async function createTask(
  tenantId: string,
  kind: SyncTaskKind,
  input: PassUpdateInput | ProfileSyncInput,
  opts: { dispatch?: boolean; dedupeKey?: string } = {},
): Promise<SyncTask> {
  const correlationId = randomUUID();
  const task = await db().$transaction(async (tx) => {
    const receipt = await tx.webhookReceipt.create({
      data: {
        tenantId,
        endpoint: kind === "PASS_UPDATE" ? "PASS_PUSH_UPDATE" : "PROFILE_SYNC",
        correlationId,
        headers: {},
        rawBody: JSON.stringify(input),
        responseStatus: kind === "PASS_UPDATE" ? 200 : 202,
      },
    });
    return tx.syncTask.create({
      data: { tenantId, kind, receiptId: receipt.id, correlationId, dedupeKey: opts.dedupeKey, input: input as unknown as Prisma.InputJsonObject },
    });
  });
  if (opts.dispatch !== false) await dispatchTasks([task]);
  return task;
}

/** Polls until the task is SUCCEEDED or FAILED (or the timeout passes) and returns it. */
export async function waitForTask(taskId: string, timeoutMs = 45_000): Promise<SyncTask> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const task = await db().syncTask.findUniqueOrThrow({ where: { id: taskId } });
    if (task.status === "SUCCEEDED" || task.status === "FAILED" || Date.now() > deadline) return task;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Polls `check` until it returns a truthy value or the timeout passes. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}
