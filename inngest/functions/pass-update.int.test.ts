import { afterEach, describe, expect, it, vi } from "vitest";
import { InngestTestEngine, mockCtx } from "@inngest/test";
import { db } from "@/server/db/client";
import { decryptSecret } from "@/server/platform/crypto";
import { passUpdate } from "./pass-update";
import { passUpdateRequested } from "../events";
import { inngest } from "../client";
import { failTaskOnFailure } from "@/inngest/task-run";
import { createTask, pushUpdateInput, testDevice, testPass, testTenant } from "@/server/tooling/testing/tasks";
import type { PassUpdateInput } from "@/server/passes/update";
import type { Tenant } from "@prisma/client";
import { metrics } from "@/server/platform/metrics";

afterEach(() => {
  vi.restoreAllMocks();
});

/** A fresh engine per run (step results are cached per engine); event sends are captured, not sent. */
async function run(tenant: Tenant, input: PassUpdateInput, attempt = 0, existing?: { id: string; correlationId: string }) {
  const task = existing ?? (await createTask(tenant.id, "PASS_UPDATE", input, { dispatch: false }));
  const send = vi.spyOn(inngest, "send").mockResolvedValue({ ids: ["evt"] });
  send.mockClear(); // only this run's sends
  const t = new InngestTestEngine({
    function: passUpdate,
    events: [passUpdateRequested.create({ taskId: task.id, tenantId: tenant.id, correlationId: task.correlationId }, { id: `task-${task.id}` })],
    transformCtx: (ctx) => ({ ...mockCtx(ctx), attempt }),
  });
  const out = await t.execute();
  const after = await db().syncTask.findUniqueOrThrow({ where: { id: task.id } });
  return { ...out, task: after, emitted: send.mock.calls.length > 0, sent: send.mock.calls.flatMap((c) => c[0] as unknown[]) };
}

describe("pass-update", () => {
  it("types the values, bumps the version tag, records the change and emits pass.changed", async () => {
    const tenant = await testTenant();
    const pass = await testPass(tenant, { email: "a@example.com" });
    const { result, error, task, sent } = await run(
      tenant,
      pushUpdateInput({ identifiers: { email: "A@Example.com", phone: "" }, additionalData: { points: "120", offerExpires: "2026-12-31 18:00:00", tier: null } }),
    );
    expect(error).toBeUndefined();
    const after = await db().pass.findUniqueOrThrow({ where: { id: pass.id } });
    expect(after.data).toEqual({ points: 120, offerExpires: "2026-12-31T18:00:00.000Z" });
    expect(after.versionTag > pass.versionTag).toBe(true);
    expect(result).toEqual({
      changed: true,
      passId: pass.id,
      customerRecordId: pass.customerRecordId,
      serialNumber: pass.serialNumber,
      versionTag: after.versionTag.toString(),
      changedKeys: ["offerExpires", "points", "tier"],
      googleObject: false, // so no google-sync run: only pass.changed is sent
    });
    expect(sent).toEqual([
      expect.objectContaining({
        name: "passflow/pass.changed",
        id: `pass-changed-${pass.id}-${after.versionTag}`,
        data: { passId: pass.id, tenantId: tenant.id, versionTag: after.versionTag.toString(), taskId: task.id, correlationId: task.correlationId },
      }),
    ]);
    expect(task).toMatchObject({ status: "SUCCEEDED", attempts: 1, passId: pass.id, errorCode: null });
    expect(task.startedAt).toBeInstanceOf(Date);
    expect(task.finishedAt).toBeInstanceOf(Date);
    const change = await db().passChange.findFirstOrThrow({ where: { taskId: task.id } });
    expect(change).toMatchObject({ passId: pass.id, versionTag: after.versionTag, changes: { tier: { before: "Member", after: null }, points: { before: 0, after: 120 } } });
  });

  it("a run again after the task SUCCEEDED (it died before sending) sends the same events and changes nothing", async () => {
    const tenant = await testTenant();
    const pass = await testPass(tenant, { email: "again@example.com" });
    const input = pushUpdateInput({ identifiers: { email: "again@example.com" }, additionalData: { points: "7" } });
    const first = await run(tenant, input);
    const versionTag = (await db().pass.findUniqueOrThrow({ where: { id: pass.id } })).versionTag;
    const again = await run(tenant, input, 1, first.task);
    expect(again.result).toEqual({ duplicate: true, status: "SUCCEEDED" });
    expect(again.sent.map((e) => (e as { id: string }).id)).toEqual([`pass-changed-${pass.id}-${versionTag}`]); // the id Inngest deduplicates on
    expect((await db().pass.findUniqueOrThrow({ where: { id: pass.id } })).versionTag).toBe(versionTag);
    expect(await db().passChange.count({ where: { passId: pass.id } })).toBe(1);
    expect(again.task).toMatchObject({ status: "SUCCEEDED", finishedAt: first.task.finishedAt });
  });

  it("changes nothing when the values are already there: no bump, no push, changed false", async () => {
    const tenant = await testTenant();
    const pass = await testPass(tenant, { customerId: "C-1" }, { data: { points: 5 } });
    const { result, task, emitted } = await run(tenant, pushUpdateInput({ identifiers: { customerId: "C-1" }, additionalData: { points: "5", tier: "" } }));
    expect(result).toMatchObject({ changed: false, versionTag: pass.versionTag.toString() });
    expect(emitted).toBe(false);
    expect(task.status).toBe("SUCCEEDED");
    expect((await db().pass.findUniqueOrThrow({ where: { id: pass.id } })).versionTag).toBe(pass.versionTag);
    expect(await db().passChange.count({ where: { passId: pass.id } })).toBe(0);
  });

  it("fails identifier_conflict when the identifiers name two customers, without retrying", async () => {
    const tenant = await testTenant();
    await testPass(tenant, { email: "one@example.com" });
    await testPass(tenant, { phone: "(415) 555-0101" });
    const { error, task } = await run(tenant, pushUpdateInput({ identifiers: { email: "one@example.com", phone: "+1 415 555 0101" }, additionalData: { points: "1" } }));
    expect(error).toMatchObject({ name: "NonRetriableError", message: expect.stringMatching(/^identifier_conflict: identifiers match 2 different customers/) });
    expect(task).toMatchObject({ status: "FAILED", errorCode: "identifier_conflict", attempts: 1 });
  });

  it("fails pass_not_found when no customer matches", async () => {
    const tenant = await testTenant();
    const { error, task } = await run(tenant, pushUpdateInput({ identifiers: { email: "nobody@example.com" }, additionalData: { points: "1" } }));
    expect(error).toMatchObject({ name: "NonRetriableError" });
    expect(task).toMatchObject({ status: "FAILED", errorCode: "pass_not_found", lastError: "no customer matches email nobody@example.com" });
  });

  it("records the attempt and start of a failed run although the run's own writes were rolled back", async () => {
    const tenant = await testTenant();
    const { task } = await run(tenant, pushUpdateInput({ identifiers: { email: "nobody@example.com" }, additionalData: { points: "1" } }), 2);
    expect(task).toMatchObject({ status: "FAILED", errorCode: "pass_not_found", attempts: 3 });
    expect(task.startedAt).toBeInstanceOf(Date);
    expect(task.finishedAt!.getTime()).toBeGreaterThanOrEqual(task.startedAt!.getTime());
  });

  it("fails naming the field when a value cannot be coerced, and writes nothing", async () => {
    const tenant = await testTenant();
    const pass = await testPass(tenant, { email: "c@example.com" });
    const { error, task } = await run(tenant, pushUpdateInput({ identifiers: { email: "c@example.com" }, additionalData: { tier: "Gold", points: "lots", offerExpires: "2026-02-30" } }));
    expect(error).toMatchObject({ name: "NonRetriableError" });
    expect(task).toMatchObject({ status: "FAILED", errorCode: "invalid_field_value", lastError: 'additionalData.points: "lots" is not a number; additionalData.offerExpires: "2026-02-30" is not an ISO 8601 date' });
    expect(task).toMatchObject({ passId: pass.id, customerRecordId: pass.customerRecordId }); // the pass it was about, although nothing was written
    const after = await db().pass.findUniqueOrThrow({ where: { id: pass.id } });
    expect(after.data).toEqual(pass.data);
    expect(after.versionTag).toBe(pass.versionTag);
  });

  it("fails ambiguous_pass when the customer holds several passes and passType does not pick one", async () => {
    const tenant = await testTenant();
    const basic = await testPass(tenant, { email: "two@example.com" });
    const premium = await testPass(tenant, { email: "two@example.com" }, { passType: "premium" });
    const ambiguous = await run(tenant, pushUpdateInput({ identifiers: { email: "two@example.com" }, additionalData: { points: "7" } }));
    expect(ambiguous.task).toMatchObject({ status: "FAILED", errorCode: "ambiguous_pass" });
    expect(ambiguous.task.lastError).toContain(basic.serialNumber);
    const picked = await run(tenant, pushUpdateInput({ identifiers: { email: "two@example.com" }, passType: "premium", additionalData: { points: "7" } }));
    expect(picked.result).toMatchObject({ changed: true, passId: premium.id, changedKeys: ["points"] });
    // an unknown passType is named as unknown, not as an ambiguity
    const unknown = await run(tenant, pushUpdateInput({ identifiers: { email: "two@example.com" }, passType: "gold", additionalData: { points: "8" } }));
    expect(unknown.task).toMatchObject({ status: "FAILED", errorCode: "pass_type_not_found" });
  });

  it("converts the pass type keeping serialNumber, authenticationToken and registrations, and recomputes metadata", async () => {
    const tenant = await testTenant();
    const pass = await testPass(tenant, { email: "conv@example.com" });
    const device = await testDevice(pass.id);
    const { result, task } = await run(tenant, pushUpdateInput({ identifiers: { email: "conv@example.com" }, passType: "premium" }));
    expect(task.status).toBe("SUCCEEDED");
    expect(result).toMatchObject({ changed: true, changedKeys: ["passType", "metadata"] });
    const after = await db().pass.findUniqueOrThrow({ where: { id: pass.id }, include: { passType: true, registrations: true } });
    expect(after.passType.key).toBe("premium");
    expect(after.serialNumber).toBe(pass.serialNumber);
    expect(decryptSecret(after.authenticationTokenEncrypted)).toBe(decryptSecret(pass.authenticationTokenEncrypted));
    expect(after.registrations.map((r) => r.deviceId)).toEqual([device.id]);
    expect((after.metadata as { backgroundColor: string }).backgroundColor).toBe("rgb(24, 24, 27)");
  });

  it("recomputes metadata on updateMetadata (the layout follows the data)", async () => {
    const tenant = await testTenant();
    const pass = await testPass(tenant, { email: "meta@example.com" });
    const { result } = await run(tenant, pushUpdateInput({ identifiers: { email: "meta@example.com" }, additionalData: { couponCode: "SAVE10" }, updateMetadata: true }));
    expect(result).toMatchObject({ changed: true, changedKeys: ["couponCode", "metadata"] });
    const after = await db().pass.findUniqueOrThrow({ where: { id: pass.id } });
    expect((after.metadata as { layout: Record<string, string[]> }).layout.auxiliaryFields).toEqual(["couponCode"]);
  });

  it("fails pass_type_not_found for an unknown passType", async () => {
    const tenant = await testTenant();
    await testPass(tenant, { email: "pt@example.com" });
    const { task } = await run(tenant, pushUpdateInput({ identifiers: { email: "pt@example.com" }, passType: "platinum" }));
    expect(task).toMatchObject({ status: "FAILED", errorCode: "pass_type_not_found" });
  });

  it("records a retriable failure, keeps the task RUNNING, and onFailure ends it FAILED with the last error", async () => {
    const tenant = await testTenant();
    const task = await createTask(tenant.id, "PASS_UPDATE", { identifiers: { email: "x@example.com" } } as unknown as PassUpdateInput, { dispatch: false });
    await db().syncTask.update({ where: { id: task.id }, data: { input: { broken: true } } });
    const t = new InngestTestEngine({
      function: passUpdate,
      events: [passUpdateRequested.create({ taskId: task.id, tenantId: tenant.id, correlationId: task.correlationId })],
    });
    const { error } = await t.execute();
    expect(error).toMatchObject({ name: "NonRetriableError" });
    expect((await db().syncTask.findUniqueOrThrow({ where: { id: task.id } })).errorCode).toBe("invalid_input");

    // a retriable error (the database refused) leaves the task RUNNING for the retry…
    const other = await createTask(tenant.id, "PASS_UPDATE", pushUpdateInput({ identifiers: { email: "x@example.com" } }), { dispatch: false });
    await db().$executeRaw`UPDATE "SyncTask" SET status = 'RUNNING', attempts = 3, "errorCode" = 'internal_error', "lastError" = 'connection reset' WHERE id = ${other.id}`;
    // …and when the retries are spent, onFailure ends it FAILED with attempts and the last error
    await failTaskOnFailure({
      event: { data: { event: { data: { taskId: other.id, tenantId: tenant.id, correlationId: other.correlationId } } } },
      error: new Error("internal_error: connection reset"),
    });
    expect(await db().syncTask.findUniqueOrThrow({ where: { id: other.id } })).toMatchObject({
      status: "FAILED",
      attempts: 3,
      errorCode: "internal_error",
      lastError: "connection reset",
    });
  });

  it("counts each task's end once in the metrics: a final failure by its run, not again by onFailure", async () => {
    const counted = async (outcome: string) => (await metrics().tasks.get()).values.find((v) => v.labels.kind === "PASS_UPDATE" && v.labels.outcome === outcome)?.value ?? 0;
    const timed = async () => (await metrics().taskDuration.get()).values.find((v) => v.metricName === "passflow_task_duration_seconds_count" && v.labels.kind === "PASS_UPDATE" && v.labels.outcome === "failed")?.value ?? 0;
    const tenant = await testTenant();
    const [failed, durations] = [await counted("failed"), await timed()];
    const { task } = await run(tenant, pushUpdateInput({ identifiers: { email: "nobody@example.com" }, additionalData: { points: "1" } }));
    expect(task.status).toBe("FAILED");
    const end = (taskId: string, correlationId: string) =>
      failTaskOnFailure({ event: { data: { event: { data: { taskId, tenantId: tenant.id, correlationId } } } }, error: new Error("pass_not_found: no customer") });
    await end(task.id, task.correlationId); // Inngest calls onFailure after the NonRetriableError too
    expect([(await counted("failed")) - failed, (await timed()) - durations]).toEqual([1, 1]);
    // a task still RUNNING when its retries are spent is ended, and counted, by onFailure
    const running = await createTask(tenant.id, "PASS_UPDATE", pushUpdateInput({ identifiers: { email: "x@example.com" } }), { dispatch: false });
    await db().$executeRaw`UPDATE "SyncTask" SET status = 'RUNNING' WHERE id = ${running.id}`;
    await end(running.id, running.correlationId);
    expect((await counted("failed")) - failed).toBe(2);
    const succeeded = await counted("succeeded");
    await testPass(tenant, { email: "ok@example.com" });
    expect((await run(tenant, pushUpdateInput({ identifiers: { email: "ok@example.com" }, additionalData: { points: "5" } }))).task.status).toBe("SUCCEEDED");
    expect((await counted("succeeded")) - succeeded).toBe(1);
  });
});
