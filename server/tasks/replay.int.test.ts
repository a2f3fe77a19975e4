import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SyncTaskStatus, Tenant } from "@prisma/client";
import { db } from "../db/client";
import { inngest } from "@/inngest/client";
import { replayTask, replayTasks } from "./replay";
import { createTask, pushUpdateInput, testTenant } from "@/server/tooling/testing/tasks";

let sent: { id?: string }[] = [];
beforeEach(() => {
  sent = [];
  vi.spyOn(inngest, "send").mockImplementation(async (events) => {
    sent.push(...(Array.isArray(events) ? events : [events]));
    return { ids: [] };
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function taskWith(tenant: Tenant, status: SyncTaskStatus, extra: { errorCode?: string; createdAt?: Date } = {}) {
  const task = await createTask(tenant.id, "PASS_UPDATE", pushUpdateInput({ identifiers: { email: "r@example.com" }, additionalData: { points: "1" } }), { dispatch: false });
  return db().syncTask.update({ where: { id: task.id }, data: { status, errorCode: extra.errorCode ?? (status === "FAILED" ? "pass_not_found" : null), createdAt: extra.createdAt } });
}

describe("replayTask", () => {
  it("creates a new QUEUED task with the same input, replayOf, a .r<n> correlation id and an audit row, and sends its event", async () => {
    const tenant = await testTenant();
    const failed = await taskWith(tenant, "FAILED");
    const first = await replayTask({ taskId: failed.id, actor: "ops@example.com" });
    expect(first).toMatchObject({ status: "QUEUED", replayOfId: failed.id, tenantId: tenant.id, kind: "PASS_UPDATE", input: failed.input, receiptId: failed.receiptId, correlationId: `${failed.correlationId}.r1` });
    expect(sent).toEqual([expect.objectContaining({ id: `task-${first.id}`, data: { taskId: first.id, tenantId: tenant.id, correlationId: first.correlationId } })]);
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "task.replay", targetId: failed.id } });
    expect(audit).toMatchObject({ actor: "ops@example.com", targetType: "SyncTask", tenantId: tenant.id, details: { replayTaskId: first.id, force: false } });

    const second = await replayTask({ taskId: failed.id, actor: "ops@example.com" });
    expect(second.correlationId).toBe(`${failed.correlationId}.r2`);
    await db().syncTask.update({ where: { id: second.id }, data: { status: "FAILED" } });
    const third = await replayTask({ taskId: second.id, actor: "ops@example.com" });
    expect(third).toMatchObject({ replayOfId: second.id, correlationId: `${failed.correlationId}.r3` });
  });

  it("replays only FAILED tasks, a SUCCEEDED one only with force", async () => {
    const tenant = await testTenant();
    for (const status of ["QUEUED", "RUNNING"] as const) {
      const task = await taskWith(tenant, status);
      await expect(replayTask({ taskId: task.id, actor: "cli" })).rejects.toMatchObject({ code: "conflict", message: `task ${task.id} is ${status}; only FAILED tasks are replayed` });
    }
    const done = await taskWith(tenant, "SUCCEEDED");
    await expect(replayTask({ taskId: done.id, actor: "cli" })).rejects.toMatchObject({ code: "conflict", message: `task ${done.id} SUCCEEDED; replay it with force` });
    await expect(replayTask({ taskId: done.id, actor: "cli", force: true })).resolves.toMatchObject({ replayOfId: done.id });
    await expect(replayTask({ taskId: "no-such-task", actor: "cli" })).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("replayTasks", () => {
  it("replays the FAILED tasks matching tenant, kind, error code and time range, in batches, each once", async () => {
    const tenant = await testTenant();
    const other = await testTenant();
    const old = new Date(Date.now() - 3 * 24 * 3600_000);
    const matching = [];
    for (let i = 0; i < 130; i++) matching.push(await taskWith(tenant, "FAILED", { errorCode: "pass_not_found" }));
    await taskWith(tenant, "FAILED", { errorCode: "identifier_conflict" });
    await taskWith(tenant, "FAILED", { errorCode: "pass_not_found", createdAt: old });
    await taskWith(tenant, "SUCCEEDED");
    await taskWith(other, "FAILED", { errorCode: "pass_not_found" });

    const filter = { tenant: tenant.slug, kind: "PASS_UPDATE" as const, errorCode: "pass_not_found", from: new Date(Date.now() - 3600_000), to: new Date(Date.now() + 60_000) };
    expect(await replayTasks({ filter, actor: "ops@example.com" })).toBe(130);
    const replays = await db().syncTask.findMany({ where: { replayOfId: { in: matching.map((t) => t.id) } } });
    expect(new Set(replays.map((r) => r.replayOfId)).size).toBe(130);
    expect(sent).toHaveLength(130);
    expect(await db().auditLog.count({ where: { action: "task.replay", tenantId: tenant.id } })).toBe(130);
    // already replayed: a second bulk replay takes nothing
    expect(await replayTasks({ filter, actor: "ops@example.com" })).toBe(0);
    await expect(replayTasks({ filter: { tenant: "no-such-tenant" }, actor: "cli" })).rejects.toMatchObject({ code: "tenant_not_found" });
  });
});
