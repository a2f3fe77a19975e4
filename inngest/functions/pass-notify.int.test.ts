import { afterEach, describe, expect, inject, it } from "vitest";
import { InngestTestEngine } from "@inngest/test";
import { db } from "@/server/db/client";
import { createApnsSender } from "@/server/wallet/apns";
import { recordingPushSender, setPushSender } from "@/server/wallet/push";
import { apnsMockControl } from "@/server/tooling/mocks/apns";
import { passNotify } from "./pass-notify";
import { passChanged } from "../events";
import { testDevice, testPass, testTenant } from "@/server/tooling/testing/tasks";

const mockInfo = inject("apnsMock");
const mock = apnsMockControl(mockInfo.controlUrl);

function notify(data: { passId: string; tenantId: string; versionTag: string }) {
  const t = new InngestTestEngine({ function: passNotify, events: [passChanged.create({ ...data, taskId: null, correlationId: "corr-notify" })] });
  return t.execute();
}

afterEach(() => setPushSender(recordingPushSender)); // the sender of a process with no APNs installed

describe("pass-notify", () => {
  it("pushes the version to every registered device and records each delivery", async () => {
    // the sender the app installs at start-up, pointed at the run's APNs mock
    const sender = createApnsSender({ endpoint: { host: mockInfo.host, port: mockInfo.port, caPem: mockInfo.caPem }, baseDelayMs: 10, maxDelayMs: 200 });
    setPushSender(sender);
    try {
      const tenant = await testTenant();
      const pass = await testPass(tenant, { email: "n@example.com" });
      const [d1, d2] = [await testDevice(pass.id), await testDevice(pass.id)];
      const { result, error } = await notify({ passId: pass.id, tenantId: tenant.id, versionTag: pass.versionTag.toString() });
      expect(error).toBeUndefined();
      expect(result).toMatchObject({ devices: 2 });
      expect(result).toEqual({ devices: 2, accepted: 2, rejected: 0, failed: 0 });

      // what APNs received: one Wallet push per device token, topic = the pass type identifier, an empty dictionary
      const topic = pass.passType.passTypeIdentifier;
      const received = await mock.received({ topic });
      expect(received.map((r) => r.token).sort()).toEqual([d1!.pushToken, d2!.pushToken].sort());
      for (const r of received) expect(r).toMatchObject({ topic, payload: {}, status: 200, auth: "certificate", credential: topic });

      const deliveries = await db().pushDelivery.findMany({ where: { passId: pass.id }, orderBy: { deviceId: "asc" } });
      expect(deliveries.map((d) => d.deviceId).sort()).toEqual([d1!.id, d2!.id].sort());
      expect(deliveries.every((d) => d.versionTag === pass.versionTag && d.correlationId === "corr-notify")).toBe(true);
      for (const d of deliveries) {
        const device = d.deviceId === d1!.id ? d1! : d2!;
        const push = received.find((r) => r.token === device.pushToken)!;
        expect(d).toMatchObject({ status: "ACCEPTED", statusCode: 200, reason: null, attempts: 1, apnsId: push.apnsId });
      }

      // the same version again (an Inngest retry): the settled devices are not pushed twice
      expect((await notify({ passId: pass.id, tenantId: tenant.id, versionTag: pass.versionTag.toString() })).result).toEqual({ devices: 2, accepted: 2, rejected: 0, failed: 0 });
      expect(await mock.received({ topic })).toHaveLength(2);
      expect(await db().pushDelivery.count({ where: { passId: pass.id } })).toBe(2);
    } finally {
      await sender.connections.closeAll();
    }
  });

  it("without an APNs sender installed, records one QUEUED delivery per device and sends nothing", async () => {
    const tenant = await testTenant();
    const pass = await testPass(tenant, { email: "q@example.com" });
    const [d1, d2] = [await testDevice(pass.id), await testDevice(pass.id)];
    const { result, error } = await notify({ passId: pass.id, tenantId: tenant.id, versionTag: pass.versionTag.toString() });
    expect(error).toBeUndefined();
    expect(result).toEqual({ devices: 2, accepted: 0, rejected: 0, failed: 0 });
    const deliveries = await db().pushDelivery.findMany({ where: { passId: pass.id } });
    expect(deliveries.map((d) => d.deviceId).sort()).toEqual([d1!.id, d2!.id].sort());
    for (const d of deliveries) {
      expect(d).toMatchObject({ status: "QUEUED", statusCode: null, apnsId: null, reason: null, attempts: 0, versionTag: pass.versionTag, correlationId: "corr-notify" });
    }
    expect(await mock.received({ topic: pass.passType.passTypeIdentifier })).toEqual([]);
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
