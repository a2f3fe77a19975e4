import { describe, expect, it } from "vitest";
import { db, pgPool } from "../db/client";
import { flushDownloadCredits, markDownloaded, markListed } from "./funnel";
import { testDevice, testPass, testTenant } from "@/server/tooling/testing/tasks";

describe("download credits", () => {
  it("a flush waits for the one already under way, so a listing recorded after it never receives an earlier download", async () => {
    const tenant = await testTenant();
    const pass = await testPass(tenant, { email: "funnel@example.com" });
    const [first, second] = [await testDevice(pass.id), await testDevice(pass.id)];
    for (const device of [first, second]) {
      await db().pushDelivery.create({ data: { passId: pass.id, deviceId: device.id, versionTag: pass.versionTag, status: "ACCEPTED", attempts: 1 } });
    }
    await markListed(first.id, [pass.id]);
    markDownloaded(pass.id, 200);

    // hold the deliveries so the flush under way (the 50 ms timer's, here started by hand) cannot write yet
    const holder = await pgPool().connect();
    await holder.query(`BEGIN; LOCK TABLE "PushDelivery" IN EXCLUSIVE MODE`);
    const underWay = flushDownloadCredits();
    let settled = false;
    const next = flushDownloadCredits().then(() => void (settled = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false); // a listing must not be recorded before the earlier download is written
    await holder.query("COMMIT");
    holder.release();
    await Promise.all([underWay, next]);
    await markListed(second.id, [pass.id]);

    const deliveries = await db().pushDelivery.findMany({ where: { passId: pass.id }, select: { deviceId: true, downloadCode: true } });
    expect(Object.fromEntries(deliveries.map((d) => [d.deviceId, d.downloadCode]))).toEqual({ [first.id]: 200, [second.id]: null });
  });
});
