import { generateKeyPairSync, randomUUID } from "node:crypto";
import { afterAll, describe, expect, it, inject } from "vitest";
import { db } from "../db/client";
import { apnsMockControl } from "@/server/tooling/mocks/apns";
import { createApnsTransport } from "./apns";
import { setApnsKey } from "./apns-keys";
import { walletConfigProblems } from "./config-problems";
import { passDeliveryFunnel } from "./funnel";
import { createPushSender, type PushOutcome } from "./push";
import { findPassFile, pkpassFile } from "./pass-file";
import { getTenantDetail } from "@/server/console/tenants";
import { checkPkpass } from "@/server/tooling/testing/pkpass-check";
import { changePass, SimulatedDevice } from "@/server/tooling/testing/wallet-device";
import { tenantWithPasses, type PassFixture } from "@/server/tooling/testing/wallet-fixtures";

const appUrl = inject("appUrl");
const mockInfo = inject("apnsMock");
const mock = apnsMockControl(mockInfo.controlUrl);
const endpoint = { host: mockInfo.host, port: mockInfo.port, caPem: mockInfo.caPem };
const transport = createApnsTransport({ endpoint, baseDelayMs: 10, maxDelayMs: 200 });
const sender = createPushSender(transport);

afterAll(() => transport.close());

async function registeredDevices(pass: PassFixture, count: number): Promise<SimulatedDevice[]> {
  const devices = Array.from({ length: count }, () => new SimulatedDevice(appUrl, pass.tenant));
  for (const d of devices) expect((await d.register(pass)).status).toBe(201);
  return devices;
}

const push = (pass: PassFixture, versionTag: bigint) => sender.send({ passId: pass.passId, versionTag, correlationId: randomUUID() });
/** The accepted count of an outcome that was pushed (not skipped). */
const accepted = (outcome: PushOutcome) => ("accepted" in outcome ? outcome.accepted : undefined);

describe("APNs push of a changed pass", () => {
  it("pushes once per device; devices list the serial since their tag, download the new version, then get 304", async () => {
    const [pass] = await tenantWithPasses();
    const devices = await registeredDevices(pass!, 3);
    const tags = await Promise.all(devices.map(async (d) => ((await (await d.list(pass!.passTypeIdentifier)).json()) as { lastUpdated: string }).lastUpdated));

    const versionTag = await changePass(pass!.passId, { points: 250, tier: "Gold" });
    const outcome = await push(pass!, versionTag);
    expect(outcome).toEqual({ devices: 3, accepted: 3, rejected: 0, failed: 0 });

    const received = await mock.received({ topic: pass!.passTypeIdentifier });
    expect(received.map((r) => r.token).sort()).toEqual(devices.map((d) => d.pushToken).sort());
    for (const r of received) {
      expect(r).toMatchObject({ topic: pass!.passTypeIdentifier, payload: {}, status: 200, auth: "certificate", credential: pass!.passTypeIdentifier });
      expect(Number(r.expiration)).toBeGreaterThan(Date.now() / 1000);
    }
    expect(new Set(received.map((r) => r.session)).size).toBe(1); // one HTTP/2 connection for the certificate
    const deliveries = await db().pushDelivery.findMany({ where: { passId: pass!.passId } });
    expect(deliveries.map((d) => [d.status, d.versionTag, d.attempts])).toEqual(devices.map(() => ["ACCEPTED", versionTag, 1]));
    expect(deliveries.map((d) => d.apnsId).sort()).toEqual(received.map((r) => r.apnsId).sort());

    // the push pre-built the version
    expect((await pkpassFile((await findPassFile({ passId: pass!.passId }))!)).cached).toBe(true);

    const wwdr = (await db().walletCertificate.findFirstOrThrow({ where: { tenantId: pass!.tenantId } })).wwdrPem;
    for (const [i, device] of devices.entries()) {
      const list = await device.list(pass!.passTypeIdentifier, tags[i]);
      expect(list.status).toBe(200);
      expect(((await list.json()) as { serialNumbers: string[] }).serialNumbers).toEqual([pass!.serialNumber]);
      const download = await device.download(pass!);
      expect(download.status).toBe(200);
      const check = checkPkpass(Buffer.from(await download.arrayBuffer()), wwdr);
      expect(check.signatureError).toBeUndefined();
      const card = check.passJson.storeCard as { primaryFields: { key: string; value: unknown; changeMessage?: string }[]; secondaryFields: { value: unknown }[] };
      expect(card.primaryFields[0]).toMatchObject({ key: "points", value: 250, changeMessage: "You now have %@ points" });
      expect(card.secondaryFields[0]!.value).toBe("Gold");
      expect((await device.download(pass!, download.headers.get("last-modified")!)).status).toBe(304);
    }

    // downloads are credited to the funnel within a moment (written behind in batches)
    await expect.poll(async () => (await passDeliveryFunnel(pass!.passId)).deliveries.map((f) => [f.stage, f.downloadCode]), { timeout: 10_000 }).toEqual(devices.map(() => ["downloaded", 200]));
    const { deliveries: funnel, counts } = await passDeliveryFunnel(pass!.passId);
    expect(counts).toMatchObject({ accepted: 3, listed: 3, downloaded: 3, stalled: 0 });
    expect(funnel.every((f) => f.listedAt && f.downloadedAt && f.apnsId)).toBe(true);
  }, 180_000);

  it("410 Unregistered drops that registration only", async () => {
    const [pass] = await tenantWithPasses();
    const [gone, kept] = await registeredDevices(pass!, 2);
    await mock.behave({ topic: pass!.passTypeIdentifier, unregistered: [gone!.pushToken] });
    const outcome = await push(pass!, await changePass(pass!.passId, { points: 1 }));
    expect(outcome).toMatchObject({ devices: 2, accepted: 1, rejected: 1, failed: 0 });
    expect(outcome).not.toHaveProperty("configurationProblem");
    const regs = await db().registration.findMany({ where: { passId: pass!.passId }, include: { device: true } });
    expect(regs.map((r) => r.device.deviceLibraryIdentifier)).toEqual([kept!.deviceLibraryIdentifier]);
    const rejected = await db().pushDelivery.findFirstOrThrow({ where: { passId: pass!.passId, status: "REJECTED" } });
    expect(rejected).toMatchObject({ statusCode: 410, reason: "Unregistered", attempts: 1 });
  }, 180_000);

  it("BadDeviceToken and TopicDisallowed are a tenant configuration problem and delete nothing", async () => {
    const [pass] = await tenantWithPasses();
    const [bad, ok] = await registeredDevices(pass!, 2);
    await mock.behave({ topic: pass!.passTypeIdentifier, badTokens: [bad!.pushToken] });
    const outcome = await push(pass!, await changePass(pass!.passId, { points: 2 }));
    expect(outcome).toMatchObject({ accepted: 1, rejected: 1, configurationProblem: "BadDeviceToken" });
    await mock.behave({ topic: pass!.passTypeIdentifier, topicDisallowed: true });
    const second = await push(pass!, await changePass(pass!.passId, { points: 3 }));
    expect(second).toMatchObject({ accepted: 0, rejected: 2, configurationProblem: "TopicDisallowed" });
    expect(await db().registration.count({ where: { passId: pass!.passId } })).toBe(2);
    const problems = await walletConfigProblems(pass!.tenantId);
    expect(problems.map((p) => [p.reason, p.count]).sort()).toEqual([["BadDeviceToken", 1], ["TopicDisallowed", 2]]);
    expect(problems.find((p) => p.reason === "BadDeviceToken")!.hint).toMatch(/production APNs/);
    // support sees them on the tenant page
    expect((await getTenantDetail(pass!.tenant)).pushProblems.map((p) => p.reason).sort()).toEqual(["BadDeviceToken", "TopicDisallowed"]);
    void ok;
  }, 180_000);

  it("a flaky APNs (30% 503) still ends with every push delivered, once per device", async () => {
    const [pass] = await tenantWithPasses();
    const devices = await registeredDevices(pass!, 20);
    await mock.behave({ topic: pass!.passTypeIdentifier, failureRate: 0.3, failureStatus: 503 });
    const outcome = await push(pass!, await changePass(pass!.passId, { points: 9 }));
    expect(outcome).toEqual({ devices: 20, accepted: 20, rejected: 0, failed: 0 });
    const received = await mock.received({ topic: pass!.passTypeIdentifier });
    const accepted = received.filter((r) => r.status === 200);
    expect(accepted.map((r) => r.token).sort()).toEqual(devices.map((d) => d.pushToken).sort());
    expect(received.filter((r) => r.status === 503).length).toBeGreaterThan(0);
    const attempts = (await db().pushDelivery.findMany({ where: { passId: pass!.passId } })).map((d) => d.attempts);
    expect(attempts.reduce((a, b) => a + b, 0)).toBe(received.length);
  }, 180_000);

  it("is idempotent per version and skips a version that a newer one superseded", async () => {
    const [pass] = await tenantWithPasses();
    await registeredDevices(pass!, 2);
    const v1 = await changePass(pass!.passId, { points: 10 });
    expect(accepted(await push(pass!, v1))).toBe(2);
    const again = await push(pass!, v1);
    expect(again).toEqual({ devices: 2, accepted: 2, rejected: 0, failed: 0 });
    expect(await mock.received({ topic: pass!.passTypeIdentifier })).toHaveLength(2);

    const v2 = await changePass(pass!.passId, { points: 11 });
    const v3 = await changePass(pass!.passId, { points: 12 });
    expect(await push(pass!, v2)).toEqual({ skipped: "superseded" });
    expect(accepted(await push(pass!, v3))).toBe(2);
    expect(await mock.received({ topic: pass!.passTypeIdentifier })).toHaveLength(4);
  }, 180_000);

  it("reuses one connection per certificate and closes it when idle", async () => {
    const idleTransport = createApnsTransport({ endpoint, idleTimeoutMs: 3_000 });
    const idle = createPushSender(idleTransport);
    const [pass] = await tenantWithPasses();
    await registeredDevices(pass!, 1);
    await idle.send({ passId: pass!.passId, versionTag: await changePass(pass!.passId, { points: 1 }), correlationId: "c1" });
    await idle.send({ passId: pass!.passId, versionTag: await changePass(pass!.passId, { points: 2 }), correlationId: "c2" });
    const sessions = new Set((await mock.received({ topic: pass!.passTypeIdentifier })).map((r) => r.session));
    expect(sessions.size).toBe(1);
    expect(idleTransport.connections.keys()).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 4_000));
    expect(idleTransport.connections.keys()).toHaveLength(0);
  }, 180_000);

  it("uses the tenant's .p8 key (token-based) where configured", async () => {
    const [pass] = await tenantWithPasses();
    await registeredDevices(pass!, 1);
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const keyId = `K${randomUUID().replace(/-/g, "").slice(0, 9).toUpperCase()}`;
    await setApnsKey({ tenant: pass!.tenant, keyId, teamId: "TEAM123456", p8Pem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(), actor: "test" });
    await mock.registerTokenKey(keyId, publicKey.export({ type: "spki", format: "pem" }).toString());
    expect(accepted(await push(pass!, await changePass(pass!.passId, { points: 5 })))).toBe(1);
    const [received] = await mock.received({ topic: pass!.passTypeIdentifier });
    expect(received).toMatchObject({ auth: "token", credential: keyId, status: 200, payload: {} });
  }, 180_000);
});
