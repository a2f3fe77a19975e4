/**
 * The install funnel counts what PassEvent holds, per stage and UTC day, for the chosen pass type
 * and period: events of other pass types, other tenants and before the period are not counted.
 */
import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { seedPassEvents } from "@/server/tooling/testing/pass-events";
import { testPass, testTenant } from "@/server/tooling/testing/tasks";
import { installFunnel } from "./funnel";

describe("install funnel", () => {
  it("counts each stage per day and in total, by pass type and period", async () => {
    const tenant = await testTenant();
    const other = await testTenant();
    const basic = await testPass(tenant, { email: "funnel-basic@example.com" }); // records ISSUED now
    const premium = await testPass(tenant, { email: "funnel-premium@example.com" }, { passType: "premium" });
    const elsewhere = await testPass(other, { email: "funnel-other@example.com" });
    // a fixed "now" at noon, so "n days ago" is n UTC days back whatever the time of the run
    const now = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate(), 12));
    // the passes were issued today (testPass); more stages over the last days
    await seedPassEvents(basic, "PAGE_OPENED", 3, { daysAgo: 2, now });
    await seedPassEvents(basic, "PAGE_OPENED", 1, { daysAgo: 0, now });
    await seedPassEvents(basic, "DOWNLOADED", 2, { daysAgo: 2, now, platform: "APPLE" });
    await seedPassEvents(basic, "INSTALLED", 1, { daysAgo: 1, now, platform: "APPLE" });
    await seedPassEvents(basic, "INSTALLED", 1, { daysAgo: 1, now, platform: "GOOGLE" });
    await seedPassEvents(basic, "REMOVED", 1, { daysAgo: 0, now, platform: "APPLE" });
    await seedPassEvents(basic, "UPDATED", 5, { daysAgo: 0, now }); // not a funnel stage
    await seedPassEvents(basic, "INSTALLED", 4, { daysAgo: 10, now, platform: "APPLE" }); // before a 7-day period
    await seedPassEvents(premium, "INSTALLED", 7, { daysAgo: 1, now, platform: "APPLE" });
    await seedPassEvents(elsewhere, "INSTALLED", 9, { daysAgo: 1, now, platform: "APPLE" });
    expect(await db().passEvent.count({ where: { passId: basic.id, kind: "ISSUED" } })).toBe(1);

    const f = await installFunnel({ tenant: tenant.slug, passType: "basic", days: 7 }, new Date(Math.max(now.getTime(), Date.now())));
    expect(f.passType).toBe("basic");
    expect(f.passTypes.map((t) => t.key)).toEqual(["basic", "premium"]);
    expect(f.days).toHaveLength(7);
    expect(f.from.toISOString()).toBe(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 6)).toISOString());
    expect(f.totals).toEqual([
      { stage: "ISSUED", count: 1, apple: 0, google: 0 },
      { stage: "PAGE_OPENED", count: 4, apple: 0, google: 0 },
      { stage: "DOWNLOADED", count: 2, apple: 2, google: 0 },
      { stage: "INSTALLED", count: 2, apple: 1, google: 1 },
      { stage: "REMOVED", count: 1, apple: 1, google: 0 },
    ]);
    const day = (ago: number) => f.days[6 - ago]!;
    expect(day(2)).toMatchObject({ ISSUED: 0, PAGE_OPENED: 3, DOWNLOADED: 2, INSTALLED: 0, REMOVED: 0 });
    expect(day(1)).toMatchObject({ ISSUED: 0, PAGE_OPENED: 0, DOWNLOADED: 0, INSTALLED: 2, REMOVED: 0 });
    expect(day(0)).toMatchObject({ ISSUED: 1, PAGE_OPENED: 1, DOWNLOADED: 0, INSTALLED: 0, REMOVED: 1 });
    expect(day(0).day.toISOString()).toBe(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())).toISOString());

    // every pass type of the tenant; a longer period reaches the older installs
    const all = await installFunnel({ tenant: tenant.slug, days: 30 }, new Date(Math.max(now.getTime(), Date.now())));
    expect(all.totals.map((t) => t.count)).toEqual([2, 4, 2, 2 + 7 + 4, 1]);
    expect(all.days[29 - 10]!.INSTALLED).toBe(4);
    await expect(installFunnel({ tenant: tenant.slug, passType: "nope" })).rejects.toMatchObject({ code: "pass_type_not_found", field: "passType" });
  });
});
