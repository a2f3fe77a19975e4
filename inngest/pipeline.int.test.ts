import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { createTask, eventually, pushUpdateInput, testDevice, testPass, testTenant, waitForTask } from "@/server/testing/tasks";

describe("pipeline over HTTP on the embedded executor", () => {
  it("pushUpdate task → SUCCEEDED → typed pass data → pass.changed → push recorded", async () => {
    const tenant = await testTenant();
    const pass = await testPass(tenant, { email: "jane@example.com" });
    const device = await testDevice(pass.id);
    const task = await createTask(
      tenant.id,
      "PASS_UPDATE",
      pushUpdateInput({ identifiers: { email: " Jane@Example.com " }, additionalData: { points: "1,250", tier: "Gold", offerExpires: "2026-12-31", balance: "$12.50" } }),
    );
    const done = await waitForTask(task.id);
    expect(done.status, done.lastError ?? "").toBe("SUCCEEDED");
    expect(done.attempts).toBe(1);
    const after = await db().pass.findUniqueOrThrow({ where: { id: pass.id } });
    expect(after.data).toEqual({ points: 1250, tier: "Gold", offerExpires: "2026-12-31T00:00:00.000Z", balance: 12.5 });
    expect(after.versionTag > pass.versionTag).toBe(true);
    expect(done.output).toMatchObject({ changed: true, passId: pass.id, versionTag: after.versionTag.toString() });
    const change = await db().passChange.findFirstOrThrow({ where: { taskId: task.id } });
    expect(change.changes).toMatchObject({ points: { before: 0, after: 1250 }, tier: { before: "Member", after: "Gold" } });
    const delivery = await eventually(() => db().pushDelivery.findFirst({ where: { passId: pass.id, deviceId: device.id } }));
    expect(delivery).toMatchObject({ versionTag: after.versionTag, correlationId: task.correlationId });
  });
});
