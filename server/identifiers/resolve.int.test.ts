import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { poolSql, prismaSql } from "@/server/db/sql";
import { findCustomer } from "./resolve";
import { testPass, testTenant } from "@/server/tooling/testing/tasks";

describe("findCustomer (server/identifiers/resolve.ts)", () => {
  it("one statement across email, phone, customerId and custom keys; two customers are a conflict", async () => {
    const tenant = await testTenant({ customIdentifierKeys: ["loyaltyNumber"] });
    const jane = await testPass(tenant, { email: "jane@example.com", phone: "+14155550100" });
    const joe = await testPass(tenant, { email: "joe@example.com", loyaltyNumber: "LN-7" });
    expect((await findCustomer(tenant.id, { phone: "+14155550100", custom: {} }))?.id).toBe(jane.customerRecordId);
    expect((await findCustomer(tenant.id, { email: "nobody@example.com", custom: { loyaltyNumber: "LN-7" } }))?.id).toBe(joe.customerRecordId);
    expect(await findCustomer(tenant.id, { email: "nobody@example.com", custom: {} })).toBeNull();
    await expect(findCustomer(tenant.id, { email: "jane@example.com", custom: { loyaltyNumber: "LN-7" } })).rejects.toMatchObject({ code: "identifier_conflict" });
    await expect(findCustomer(tenant.id, { email: "jane@example.com", customerId: "C-9", custom: {} }, poolSql(), { mustAgree: true })).resolves.toMatchObject({ id: jane.customerRecordId });
    await expect(findCustomer(tenant.id, { email: "jane@example.com", phone: "+14155550199", custom: {} }, poolSql(), { mustAgree: true })).rejects.toMatchObject({
      code: "identifier_conflict",
      field: "identifiers.phone",
    });
  });

  it("finds the same customer through node-postgres and Prisma", async () => {
    const tenant = await testTenant({ customIdentifierKeys: ["loyaltyNumber"] });
    const pass = await testPass(tenant, { email: "both@example.com", loyaltyNumber: "LN-42" }, { data: { points: 3 } });
    const ids = { custom: { loyaltyNumber: "LN-42" } };
    const found = await findCustomer(tenant.id, ids, poolSql());
    expect(found).toEqual(await findCustomer(tenant.id, ids, prismaSql(db())));
    expect(found).toEqual({ id: pass.customerRecordId, email: "both@example.com", phone: null, customerId: null });
  });
});
