import { describe, expect, it } from "vitest";
import { InngestTestEngine } from "@inngest/test";
import { db } from "@/server/db/client";
import { createPushSender } from "@/server/wallet/push";
import { recordingTransport } from "@/server/tooling/testing/push";
import { testDevice, testPass, testTenant } from "@/server/tooling/testing/tasks";
import { createPassNotify } from "./pass-notify";
import { passChanged } from "../events";

function notify(transport: ReturnType<typeof recordingTransport>, data: { passId: string; tenantId: string; versionTag: string }) {
  const t = new InngestTestEngine({ function: createPassNotify(createPushSender(transport)), events: [passChanged.create({ ...data, taskId: null, correlationId: "corr-notify" })] });
  return t.execute();
}

describe("pass-notify", () => {
  it("pushes the version to every registered device and records each delivery with APNs' answer", async () => {
    const tenant = await testTenant();
    const pass = await testPass(tenant, { email: "n@example.com" });
    const [d1, d2] = [await testDevice(pass.id), await testDevice(pass.id)];
    const transport = recordingTransport({ [d2.pushToken]: { kind: "rejected", statusCode: 410, reason: "Unregistered", apnsId: null } });
    const { result, error } = await notify(transport, { passId: pass.id, tenantId: tenant.id, versionTag: pass.versionTag.toString() });
    expect(error).toBeUndefined();
    expect(result).toEqual({ devices: 2, accepted: 1, rejected: 1, failed: 0 });
    expect(transport.pushes.map((p) => [p.topic, p.token]).sort()).toEqual([d1.pushToken, d2.pushToken].map((t) => [pass.passType.passTypeIdentifier, t]).sort());
    const deliveries = await db().pushDelivery.findMany({ where: { passId: pass.id } });
    const byDevice = Object.fromEntries(deliveries.map((d) => [d.deviceId, d]));
    expect(byDevice[d1.id]).toMatchObject({ status: "ACCEPTED", statusCode: 200, attempts: 1, versionTag: pass.versionTag, correlationId: "corr-notify" });
    expect(byDevice[d1.id]!.apnsId).toMatch(/^[0-9a-f-]{36}$/);
    expect(byDevice[d2.id]).toMatchObject({ status: "REJECTED", statusCode: 410, reason: "Unregistered", versionTag: pass.versionTag });
    // 410 Unregistered dropped that device's registration only
    expect((await db().registration.findMany({ where: { passId: pass.id } })).map((r) => r.deviceId)).toEqual([d1.id]);
  });

  it("does not push a device again once its push for the version is settled", async () => {
    const tenant = await testTenant();
    const pass = await testPass(tenant, { email: "a@example.com" });
    await testDevice(pass.id);
    const transport = recordingTransport();
    const data = { passId: pass.id, tenantId: tenant.id, versionTag: pass.versionTag.toString() };
    await notify(transport, data);
    const { result } = await notify(transport, data);
    expect(result).toEqual({ devices: 1, accepted: 1, rejected: 0, failed: 0 });
    expect(transport.pushes).toHaveLength(1);
  });

  it("skips a version a newer change has superseded", async () => {
    const tenant = await testTenant();
    const pass = await testPass(tenant, { email: "s@example.com" });
    await testDevice(pass.id);
    const transport = recordingTransport();
    const { result } = await notify(transport, { passId: pass.id, tenantId: tenant.id, versionTag: (pass.versionTag - 1n).toString() });
    expect(result).toEqual({ skipped: "superseded" });
    expect(transport.pushes).toHaveLength(0);
    expect(await db().pushDelivery.count({ where: { passId: pass.id } })).toBe(0);
  });
});
