import { describe, expect, it } from "vitest";
import { InngestTestEngine } from "@inngest/test";
import { db } from "@/server/db/client";
import { passNotify } from "./pass-notify";
import { passChanged } from "../events";
import { testDevice, testPass, testTenant } from "@/server/tooling/testing/tasks";

function notify(data: { passId: string; tenantId: string; versionTag: string }) {
  const t = new InngestTestEngine({ function: passNotify, events: [passChanged.create({ ...data, taskId: null, correlationId: "corr-notify" })] });
  return t.execute();
}

describe("pass-notify", () => {
  it("pushes the version to every registered device and records each delivery", async () => {
    const tenant = await testTenant();
    const pass = await testPass(tenant, { email: "n@example.com" });
    const [d1, d2] = [await testDevice(pass.id), await testDevice(pass.id)];
    const { result, error } = await notify({ passId: pass.id, tenantId: tenant.id, versionTag: pass.versionTag.toString() });
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ devices: 2 });
    const deliveries = await db().pushDelivery.findMany({ where: { passId: pass.id }, orderBy: { deviceId: "asc" } });
    expect(deliveries.map((d) => d.deviceId).sort()).toEqual([d1!.id, d2!.id].sort());
    expect(deliveries.every((d) => d.versionTag === pass.versionTag && d.correlationId === "corr-notify")).toBe(true);
  });

  it("skips a version a newer change has superseded", async () => {
    const tenant = await testTenant();
    const pass = await testPass(tenant, { email: "s@example.com" });
    await testDevice(pass.id);
    const { result } = await notify({ passId: pass.id, tenantId: tenant.id, versionTag: (pass.versionTag - 1n).toString() });
    expect(result).toEqual({ skipped: "superseded" });
    expect(await db().pushDelivery.count({ where: { passId: pass.id } })).toBe(0);
  });
});
