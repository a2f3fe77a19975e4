import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { findCustomer } from "@/server/identifiers/resolve";
import type { Identifiers } from "@/server/identifiers/identifiers";
import { issuePass } from "./passes";
import { testTenant } from "@/server/tooling/testing/tasks";

describe("issuePass to a customer Passflow already knows", () => {
  it("adds the identifiers the customer did not have yet, so they find the customer afterwards", async () => {
    const tenant = await testTenant({ customIdentifierKeys: ["loyaltyNumber"] });
    const first = await issuePass({ tenant: tenant.slug, passType: "basic", identifiers: { email: "eve@example.com" } });
    const again = await issuePass({ tenant: tenant.slug, passType: "basic", identifiers: { email: "eve@example.com", phone: "(415) 555-0105", customerId: "C-5", loyaltyNumber: "LN-5" } });
    expect(again).toEqual({ serialNumber: first.serialNumber, created: false });
    // one ISSUED pass event, at the first issue only
    const events = await db().passEvent.findMany({ where: { tenantId: tenant.id }, include: { pass: { select: { serialNumber: true } } } });
    expect(events.map((e) => [e.kind, e.pass.serialNumber, e.platform])).toEqual([["ISSUED", first.serialNumber, null]]);
    expect(Math.abs(events[0]!.occurredAt.getTime() - Date.now())).toBeLessThan(60_000);

    const customer = await db().customer.findFirstOrThrow({ where: { tenantId: tenant.id, email: "eve@example.com" }, include: { identifiers: true } });
    expect(customer).toMatchObject({ phone: "+14155550105", customerId: "C-5" });
    expect(customer.identifiers.map((i) => [i.key, i.value])).toEqual([["loyaltyNumber", "LN-5"]]);
    const lookups: Identifiers[] = [{ customerId: "C-5", custom: {} }, { phone: "+14155550105", custom: {} }, { custom: { loyaltyNumber: "LN-5" } }];
    for (const ids of lookups) {
      expect((await findCustomer(tenant.id, ids))?.id).toBe(customer.id);
    }
  });

  it("keeps the identifiers the customer has: a different one is a conflict and nothing is added", async () => {
    const tenant = await testTenant();
    await issuePass({ tenant: tenant.slug, passType: "basic", identifiers: { email: "ann@example.com", customerId: "C-1" } });
    await expect(issuePass({ tenant: tenant.slug, passType: "premium", identifiers: { email: "ann@example.com", customerId: "C-2", phone: "+14155550111" } })).rejects.toMatchObject({
      code: "identifier_conflict",
    });
    expect(await db().customer.findFirstOrThrow({ where: { tenantId: tenant.id, email: "ann@example.com" } })).toMatchObject({ customerId: "C-1", phone: null });
  });

  it("refuses an identifier given empty and an email that is not one, creating nothing", async () => {
    const tenant = await testTenant({ customIdentifierKeys: ["loyaltyNumber"] });
    await expect(issuePass({ tenant: tenant.slug, passType: "basic", identifiers: { email: "not an email" } })).rejects.toMatchObject({ code: "invalid_input", field: "identifiers.email" });
    await expect(issuePass({ tenant: tenant.slug, passType: "basic", identifiers: { email: "kim@example.com", loyaltyNumber: " " } })).rejects.toMatchObject({
      code: "invalid_input",
      field: "identifiers.loyaltyNumber",
    });
    expect(await db().customer.count({ where: { tenantId: tenant.id } })).toBe(0);
  });
});
