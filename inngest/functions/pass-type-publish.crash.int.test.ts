/**
 * Crash recovery of a publication: the app running the embedded executor is SIGKILLed halfway
 * through the walk, restarted on the same port, and the publication ends with every pass given
 * its version once and every device pushed for it (one accepted PushDelivery each). The only
 * pushes APNs may see twice are the ones in flight at the kill (at most one paced slice: the
 * push pipeline records each slice before sending the next). Runs its own app on its own
 * database (one embedded executor per database).
 */
import { afterAll, describe, expect, inject, it } from "vitest";
import path from "node:path";
import { db } from "@/server/db/client";
import { embeddedInngest } from "@/inngest/connection";
import { publishPassTypeRevision, savePassTypeRevision, showPassType } from "@/server/passes/revisions";
import { getPublish } from "@/server/passes/publish";
import { updateTenantSettings } from "@/server/tenants/tenants";
import { apnsMockControl } from "@/server/tooling/mocks/apns";
import { freePort, startApp, type RunningApp } from "@/server/tooling/testing/app";
import { seedHolders } from "@/server/tooling/testing/holders";
import { scratchDatabaseForTests } from "@/server/tooling/testing/scratch-db";
import { testTenant } from "@/server/tooling/testing/tasks";

const scratch = scratchDatabaseForTests();
let app: RunningApp | undefined;

afterAll(() => app?.stop());

const PASSES = 400;
const RATE = 100; // pushes per second: the walk takes seconds, so the kill lands inside it
const SLICE = RATE / 10;

describe("pass-type-publish: crash recovery", () => {
  it("a publication SIGKILLed halfway resumes after the restart and pushes every pass once for the revision", { timeout: 300_000 }, async () => {
    const tenant = await testTenant();
    await updateTenantSettings(tenant.id, { publishPushesPerSecond: RATE }, "test");
    const { passTypeId } = await seedHolders({ tenantId: tenant.id, passTypeKey: "basic", count: PASSES, devices: true });
    const mockInfo = inject("apnsMock");
    const mock = apnsMockControl(mockInfo.controlUrl);
    const port = await freePort();
    const env = {
      DATABASE_URL: scratch.url,
      APNS_HOST: mockInfo.host,
      APNS_PORT: String(mockInfo.port),
      APNS_CA_FILE: path.join(inject("dataDir"), "apns-mock-ca.pem"),
    };
    app = await startApp({ port, name: "publish-crash", env });

    const current = await showPassType(tenant.id, "basic");
    await savePassTypeRevision({ tenant: tenant.id, key: "basic", definition: { ...current.definition, backgroundColor: "rgb(1, 2, 3)" }, actor: "test" });
    const { publish } = await publishPassTypeRevision({ tenant: tenant.id, key: "basic", actor: "test", batchSize: 40, dispatch: false });
    const event = { name: "passflow/pass-type.publish.requested", id: `publish-${publish!.id}`, data: { publishId: publish!.id, tenantId: tenant.id, correlationId: publish!.correlationId } };
    // sent to this app's executor (the test process's Inngest client points at the run's main app)
    const sent = await fetch(`${app.url}/api/executor/e/${embeddedInngest()!.eventKey}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify([event]) });
    expect(sent.status).toBe(200);

    for (let deadline = Date.now() + 120_000; (await getPublish(publish!.id))!.done < PASSES / 2 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
    await app.kill();
    const halfway = (await getPublish(publish!.id))!;
    expect(halfway.status).toBe("RUNNING");
    expect(halfway.done).toBeGreaterThanOrEqual(PASSES / 2);
    expect(halfway.done).toBeLessThan(PASSES);

    app = await startApp({ port, name: "publish-crash", env });
    for (let deadline = Date.now() + 180_000; (await getPublish(publish!.id))!.status === "RUNNING" && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 250));
    const done = (await getPublish(publish!.id))!;
    expect(done).toMatchObject({ status: "SUCCEEDED", total: PASSES, done: PASSES, pushesSent: PASSES, pushesFailed: 0 });

    // every pass bumped exactly once for the revision
    const changes = await db().passChange.groupBy({ by: ["passId"], where: { pass: { passTypeId } }, _count: true });
    expect(changes).toHaveLength(PASSES);
    expect(changes.every((c) => c._count === 1)).toBe(true);
    // every device has one accepted delivery of its pass's version
    const passes = await db().pass.findMany({ where: { passTypeId }, select: { id: true, versionTag: true, registrations: { select: { device: { select: { pushToken: true } } } } } });
    const deliveries = await db().pushDelivery.findMany({ where: { pass: { passTypeId } }, select: { passId: true, versionTag: true, status: true } });
    const version = new Map(passes.map((p) => [p.id, p.versionTag]));
    expect(deliveries).toHaveLength(PASSES);
    expect(deliveries.every((d) => d.status === "ACCEPTED" && d.versionTag === version.get(d.passId))).toBe(true);
    // what APNs received: every device; twice only for pushes in flight at the kill
    const received = await mock.received({ topic: (await db().passType.findUniqueOrThrow({ where: { id: passTypeId } })).passTypeIdentifier });
    const tokens = passes.map((p) => p.registrations[0]!.device.pushToken);
    const seen = new Set(received.map((r) => r.token));
    expect(tokens.every((t) => seen.has(t))).toBe(true);
    const repeated = received.length - seen.size;
    console.info(`publication crash test: ${received.length} pushes received for ${PASSES} devices (${repeated} sent again after the kill)`);
    expect(repeated).toBeLessThanOrEqual(SLICE);
  });
});
