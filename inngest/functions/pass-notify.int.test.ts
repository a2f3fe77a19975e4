import { afterAll, describe, expect, inject, it } from "vitest";
import { InngestTestEngine } from "@inngest/test";
import { db } from "@/server/db/client";
import { createApnsTransport } from "@/server/wallet/apns";
import { createPushSender } from "@/server/wallet/push";
import { apnsMockControl } from "@/server/tooling/mocks/apns";
import { recordingTransport } from "@/server/tooling/testing/push";
import { testDevice, testPass, testTenant } from "@/server/tooling/testing/tasks";
import { createPassNotify } from "./pass-notify";
import { passChanged } from "../events";
import { metrics } from "@/server/platform/metrics";

/** The process's pushes counted with `outcome` (this test process runs the push pipeline). */
const pushesCounted = async (outcome: string) => (await metrics().pushes.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;

const mockInfo = inject("apnsMock");
const mock = apnsMockControl(mockInfo.controlUrl);
// the transport the app's serve route makes, pointed at the run's APNs mock
const apns = createApnsTransport({ endpoint: { host: mockInfo.host, port: mockInfo.port, caPem: mockInfo.caPem }, baseDelayMs: 10, maxDelayMs: 200 });
afterAll(() => apns.close());

function notify(transport: typeof apns | ReturnType<typeof recordingTransport>, data: { passId: string; tenantId: string; versionTag: string }) {
  const t = new InngestTestEngine({ function: createPassNotify(createPushSender(transport)), events: [passChanged.create({ ...data, taskId: null, correlationId: "corr-notify" })] });
  return t.execute();
}

describe("pass-notify", () => {
  it("pushes the version to every registered device and records each delivery", async () => {
    const tenant = await testTenant();
    const pass = await testPass(tenant, { email: "n@example.com" });
    const [d1, d2] = [await testDevice(pass.id), await testDevice(pass.id)];
    const { result, error } = await notify(apns, { passId: pass.id, tenantId: tenant.id, versionTag: pass.versionTag.toString() });
    expect(error).toBeUndefined();
    expect(result).toEqual({ devices: 2, accepted: 2, rejected: 0, failed: 0 });

    // what APNs received: one Wallet push per device token, topic = the pass type identifier, an empty dictionary
    const topic = pass.passType.passTypeIdentifier;
    const received = await mock.received({ topic });
    expect(received.map((r) => r.token).sort()).toEqual([d1.pushToken, d2.pushToken].sort());
    for (const r of received) expect(r).toMatchObject({ topic, payload: {}, status: 200, auth: "certificate", credential: topic });

    const deliveries = await db().pushDelivery.findMany({ where: { passId: pass.id }, orderBy: { deviceId: "asc" } });
    expect(deliveries.map((d) => d.deviceId).sort()).toEqual([d1.id, d2.id].sort());
    expect(deliveries.every((d) => d.versionTag === pass.versionTag && d.correlationId === "corr-notify")).toBe(true);
    for (const d of deliveries) {
      const device = d.deviceId === d1.id ? d1 : d2;
      const push = received.find((r) => r.token === device.pushToken)!;
      expect(d).toMatchObject({ status: "ACCEPTED", statusCode: 200, reason: null, attempts: 1, apnsId: push.apnsId });
    }

    // the same version again (an Inngest retry): the settled devices are not pushed twice
    expect((await notify(apns, { passId: pass.id, tenantId: tenant.id, versionTag: pass.versionTag.toString() })).result).toEqual({ devices: 2, accepted: 2, rejected: 0, failed: 0 });
    expect(await mock.received({ topic })).toHaveLength(2);
    expect(await db().pushDelivery.count({ where: { passId: pass.id } })).toBe(2);
  });

  it("records APNs' refusal and drops the registration of an unregistered device only", async () => {
    const tenant = await testTenant();
    const pass = await testPass(tenant, { email: "u@example.com" });
    const [kept, gone] = [await testDevice(pass.id), await testDevice(pass.id)];
    const transport = recordingTransport({ [gone.pushToken]: { kind: "rejected", statusCode: 410, reason: "Unregistered", apnsId: null } });
    const [accepted, unregistered, rejected] = [await pushesCounted("accepted"), await pushesCounted("unregistered"), await pushesCounted("rejected")];
    const { result } = await notify(transport, { passId: pass.id, tenantId: tenant.id, versionTag: pass.versionTag.toString() });
    expect(result).toEqual({ devices: 2, accepted: 1, rejected: 1, failed: 0 });
    // counted by outcome: a 410 is a device that removed the pass, not an APNs refusal
    expect([(await pushesCounted("accepted")) - accepted, (await pushesCounted("unregistered")) - unregistered, (await pushesCounted("rejected")) - rejected]).toEqual([1, 1, 0]);
    const byDevice = Object.fromEntries((await db().pushDelivery.findMany({ where: { passId: pass.id } })).map((d) => [d.deviceId, d]));
    expect(byDevice[kept.id]).toMatchObject({ status: "ACCEPTED", statusCode: 200, attempts: 1 });
    expect(byDevice[gone.id]).toMatchObject({ status: "REJECTED", statusCode: 410, reason: "Unregistered", attempts: 1 });
    expect((await db().registration.findMany({ where: { passId: pass.id } })).map((r) => r.deviceId)).toEqual([kept.id]);
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
