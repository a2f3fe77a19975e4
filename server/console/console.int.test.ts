/** Console read models on the real database: search, detail, filters, pagination, redaction, overview. */
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { DomainError } from "@/server/platform/errors";
import { createConsoleFixtures, type ConsoleFixtures } from "@/server/tooling/testing/console-fixtures";
import { searchPasses, getPassDetail } from "./passes";
import { funnelCounts, funnelStage, STALL_AFTER_MS } from "@/server/wallet/funnel";
import { getTenantDetail, certificateState } from "./tenants";
import { getReceipt, listReceipts } from "./receipts";
import { countAlreadyReplayed, countReplayable, countTasks, getTask, listTasks, replayableErrorCodes } from "@/server/tasks/queries";
import { getCustomerDetail } from "./customers";
import { overviewStats, bucketStarts } from "./overview";
import { listAudit } from "./audit";
import { updateStaff } from "@/server/staff/staff";
import { updateTenantSettings } from "../tenants/tenants";

let fx: ConsoleFixtures;
beforeAll(async () => {
  fx = await createConsoleFixtures({ phone: "+14155550123" });
});

const search = (q: string, by: "any" | "phone" | "email" | "customerId" | "identifier" | "serialNumber" = "any", tenant: string | null = fx.tenant.slug) =>
  searchPasses({ tenant: tenant ?? undefined, q, by, limit: 50 });

describe("pass search", () => {
  it.each(["(415) 555-0123", "415.555.0123", "+1 415-555-0123", "4155550123", "+14155550123"])("finds the pass by phone written as %s", async (phone) => {
    const r = await search(phone);
    expect(r.items.map((p) => p.serialNumber)).toEqual([fx.serialNumber]);
    expect(r.items[0]!.matchedBy).toContain("phone");
  });

  it("finds by email in any case, customerId, custom identifier and serialNumber", async () => {
    expect((await search(`  ${fx.tenant.slug.toUpperCase()}@EXAMPLE.COM `)).items[0]?.serialNumber).toBe(fx.serialNumber);
    expect((await search(`C-${fx.tenant.slug}`, "customerId")).items[0]?.serialNumber).toBe(fx.serialNumber);
    expect((await search(`LN-${fx.tenant.slug}`, "identifier")).items[0]?.serialNumber).toBe(fx.serialNumber);
    expect((await search(`loyaltyNumber=LN-${fx.tenant.slug}`)).items[0]?.matchedBy).toEqual(["loyaltyNumber"]);
    expect((await search(fx.serialNumber, "serialNumber", null)).items[0]?.serialNumber).toBe(fx.serialNumber);
  });

  it("finds nothing for another number, refuses an impossible phone and a local number without a tenant", async () => {
    expect((await search("(415) 555-0199")).items).toEqual([]);
    await expect(search("12", "phone")).rejects.toMatchObject({ code: "invalid_input" });
    await expect(search("(415) 555-0123", "phone", null)).rejects.toMatchObject({ code: "invalid_input", field: "tenant" });
  });

  it("searches every tenant without one: email, customer id, identifier, and numbers with their country code", async () => {
    const email = await search(`${fx.tenant.slug.toUpperCase()}@example.com`, "any", null);
    expect(email.items.map((p) => p.serialNumber)).toEqual([fx.serialNumber]);
    expect(email.items[0]!.matchedBy).toEqual(["email"]);
    expect((await search(`C-${fx.tenant.slug}`, "any", null)).items.map((p) => p.serialNumber)).toEqual([fx.serialNumber]);
    expect((await search(`loyaltyNumber=LN-${fx.tenant.slug}`, "any", null)).items.map((p) => p.serialNumber)).toEqual([fx.serialNumber]);
    expect((await search("+1 415 555 0123", "any", null)).items.map((p) => p.serialNumber)).toContain(fx.serialNumber);
  });

  it("lists a tenant's passes newest first without a query", async () => {
    const r = await searchPasses({ tenant: fx.tenant.slug, by: "any", limit: 10 });
    expect(r.items.map((p) => p.serialNumber)).toEqual([fx.serialNumber]);
  });
});

describe("pass detail", () => {
  it("shows preview, timeline with the task and receipt, and never the authenticationToken", async () => {
    const pass = await getPassDetail(fx.serialNumber);
    expect(pass.preview.fields.primaryFields).toEqual([{ key: "points", label: "Points", value: "10" }]);
    expect(pass.preview.images.logo).toMatch(/^data:image\/png;base64,/);
    expect(pass.changes[0]).toMatchObject({ changes: { points: { before: 10, after: 20 } }, task: { id: fx.succeededTaskId, receipt: { id: fx.receiptId } } });
    expect(pass.tasks.map((t) => t.id).sort()).toEqual([fx.failedTaskId, fx.succeededTaskId].sort());
    const json = JSON.stringify(pass, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
    expect(json).not.toMatch(/authenticationToken/i);
  });

  it("says pass_not_found for an unknown serial", async () => {
    await expect(getPassDetail("nope")).rejects.toBeInstanceOf(DomainError);
  });

  it("places each push delivery in the funnel", () => {
    const now = new Date();
    const at = (ago: number) => new Date(now.getTime() - ago);
    const stages = [
      funnelStage({ status: "ACCEPTED", listedAt: at(1), downloadedAt: at(1), createdAt: at(2) }, now.getTime()),
      funnelStage({ status: "ACCEPTED", listedAt: at(1), downloadedAt: null, createdAt: at(1000) }, now.getTime()),
      funnelStage({ status: "ACCEPTED", listedAt: null, downloadedAt: null, createdAt: at(STALL_AFTER_MS + 1) }, now.getTime()),
      funnelStage({ status: "REJECTED", listedAt: null, downloadedAt: null, createdAt: at(1) }, now.getTime()),
    ];
    expect(stages).toEqual(["downloaded", "listed", "stalled", "rejected"]);
    expect(funnelCounts(stages)).toMatchObject({ accepted: 3, listed: 2, downloaded: 1, stalled: 1, rejected: 1 });
  });
});

describe("tenant detail", () => {
  it("says whether secrets are set without returning them", async () => {
    const t = await getTenantDetail(fx.tenant.slug);
    expect(t.integration).toMatchObject({ klaviyoEnabled: true, webhookSecretSet: false, merchantSyncSecretSet: false });
    expect(t.apiKeys[0]).toMatchObject({ prefix: fx.apiKeyPrefix });
    expect(JSON.stringify(t)).not.toMatch(/Encrypted|"hash"/);
  });

  it("takes a merchant sync secret only in the Standard Webhooks form, naming the field", async () => {
    await expect(updateTenantSettings(fx.tenant.slug, { merchantSyncSecret: "merchant-sync-secret-e2e" }, "test")).rejects.toMatchObject({
      code: "invalid_input",
      field: "merchantSyncSecret",
    });
    await expect(updateTenantSettings(fx.tenant.slug, { merchantSyncSecret: "whsec_c2hvcnQ=" }, "test")).rejects.toMatchObject({ field: "merchantSyncSecret" });
    const t = await updateTenantSettings(fx.tenant.slug, { merchantSyncSecret: `whsec_${randomBytes(32).toString("base64")}` }, "test");
    expect(t.merchantSyncSecretEncrypted).toBeTruthy();
    await updateTenantSettings(fx.tenant.slug, { merchantSyncSecret: null }, "test");
  });

  it("refuses a phone region without a numbering plan (XX), naming the field", async () => {
    await expect(updateTenantSettings(fx.tenant.slug, { defaultPhoneRegion: "XX" }, "test")).rejects.toMatchObject({ code: "invalid_input", field: "defaultPhoneRegion" });
    await expect(updateTenantSettings(fx.tenant.slug, { defaultPhoneRegion: "us" }, "test")).rejects.toMatchObject({ field: "defaultPhoneRegion" });
    expect((await updateTenantSettings(fx.tenant.slug, { defaultPhoneRegion: "GB" }, "test")).defaultPhoneRegion).toBe("GB");
    await updateTenantSettings(fx.tenant.slug, { defaultPhoneRegion: "US" }, "test");
  });

  it("warns 30 days before a certificate expires", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const days = (n: number) => new Date(now.getTime() + n * 86_400_000);
    expect(certificateState(days(31), now)).toBe("ok");
    expect(certificateState(days(30), now)).toBe("expiring");
    expect(certificateState(days(-1), now)).toBe("expired");
  });
});

describe("receipts and tasks", () => {
  it("redacts secret headers and links the tasks", async () => {
    const r = await getReceipt(fx.receiptId);
    expect(r.headers).toEqual({ "content-type": "application/json", authorization: "[redacted]", "x-api-key": "[redacted]" });
    expect(r.tasks).toHaveLength(2);
    const page = await listReceipts({ tenant: fx.tenant.slug, status: "2xx", limit: 10 });
    expect(page.items.map((x) => x.id)).toEqual([fx.receiptId]);
    expect((await listReceipts({ tenant: fx.tenant.slug, status: "4xx", limit: 10 })).items).toEqual([]);
  });

  it("filters tasks by tenant, status, error code and time", async () => {
    const ids = async (f: Parameters<typeof listTasks>[0]) => (await listTasks(f)).items.map((t) => t.id);
    expect(await ids({ tenant: fx.tenant.slug, status: "FAILED", limit: 10 })).toEqual([fx.failedTaskId]);
    expect(await ids({ tenant: fx.tenant.slug, errorCode: "merchant_sync_failed", limit: 10 })).toEqual([fx.failedTaskId]);
    expect(await ids({ tenant: fx.tenant.slug, from: new Date(Date.now() + 60_000), limit: 10 })).toEqual([]);
    expect(await countTasks({ tenant: fx.tenant.slug })).toBe(2);
    expect(await countReplayable({ tenant: fx.tenant.slug })).toBe(1);
    expect(await countReplayable({ tenant: fx.tenant.slug, errorCode: "other" })).toBe(0);
    expect(await countAlreadyReplayed({ tenant: fx.tenant.slug })).toBe(0);
    expect(await replayableErrorCodes({ tenant: fx.tenant.slug })).toEqual([{ errorCode: "merchant_sync_failed", count: 1 }]);
    const task = await getTask(fx.failedTaskId);
    expect(task).toMatchObject({ errorCode: "merchant_sync_failed", receipt: { id: fx.receiptId }, pass: { serialNumber: fx.serialNumber } });
  });

  it("walks every page with the cursor, without gaps or repeats", async () => {
    const tenantId = fx.tenant.id;
    const base = Date.now() - 3_600_000;
    await db().syncTask.createMany({
      data: Array.from({ length: 7 }, (_, i) => ({ tenantId, kind: "PROFILE_SYNC" as const, correlationId: `page-${i}`, input: {}, createdAt: new Date(base + (i % 3) * 1000) })),
    });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listTasks({ tenant: fx.tenant.slug, kind: "PROFILE_SYNC", limit: 3, cursor });
      seen.push(...page.items.map((t) => t.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
  });
});

describe("customer detail", () => {
  it("shows identifiers, passes and the tasks of their passes", async () => {
    const c = await getCustomerDetail(fx.customerId);
    expect(c).toMatchObject({ phone: "+14155550123", identifiers: [{ key: "loyaltyNumber", value: `LN-${fx.tenant.slug}` }] });
    expect(c.passes.map((p) => p.serialNumber)).toEqual([fx.serialNumber]);
    expect(c.history.map((t) => t.id).sort()).toEqual([fx.failedTaskId, fx.succeededTaskId].sort());
  });
});

describe("overview", () => {
  it("counts the tenant's webhooks and task outcomes in the current bucket", async () => {
    const stats = await overviewStats({ range: "24h" });
    const t = stats.tenants.find((x) => x.slug === fx.tenant.slug)!;
    expect(t.totals).toMatchObject({ webhooks: 1, succeeded: 1, failed: 1 });
    expect(t.series).toHaveLength(24);
    expect(t.series.at(-1)).toMatchObject({ webhooks: 1, succeeded: 1, failed: 1 });
    expect(bucketStarts("7d", new Date("2026-01-08T13:00:00Z"))[0]).toEqual(new Date("2026-01-02T00:00:00Z"));
  });
});

describe("audit and staff", () => {
  it("lists audit entries by action prefix", async () => {
    const page = await listAudit({ tenant: fx.tenant.slug, action: "apikey.", limit: 10 });
    expect(page.items.map((a) => a.action)).toEqual(["apikey.create"]);
  });

  it("keeps an admin from demoting or disabling themselves", async () => {
    const admin = fx.staff.ADMIN;
    await expect(updateStaff({ id: admin.id, role: "VIEWER", actor: admin })).rejects.toMatchObject({ code: "invalid_input" });
    await expect(updateStaff({ id: admin.id, disabled: true, actor: admin })).rejects.toMatchObject({ code: "invalid_input" });
    const updated = await updateStaff({ id: fx.staff.VIEWER.id, disabled: true, actor: admin });
    expect(updated.disabledAt).not.toBeNull();
  });
});
