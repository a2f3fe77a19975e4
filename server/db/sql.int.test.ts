import { describe, expect, it } from "vitest";
import { db } from "./client";
import { pgTransaction, poolSql, prismaTransaction } from "./sql";
import { lockCustomerPasses, writePassVersion } from "../passes/update";
import { testPass, testTenant } from "@/server/tooling/testing/tasks";

describe("plain SQL on both engines (server/db/sql.ts)", () => {
  it("pgTransaction commits the work's writes, and on a throw rolls every one back and rethrows", async () => {
    const tenant = await testTenant();
    const pass = await testPass(tenant, { email: "sql-commit@example.com" });
    const { versionTag: changed, googleObject } = await pgTransaction(async (sql) => {
      const [locked] = await lockCustomerPasses(sql, pass.customerRecordId);
      return writePassVersion(sql, locked!, { data: { points: 7 }, metadata: locked!.metadata, passTypeId: locked!.passTypeId }, { points: { before: 0, after: 7 } }, null, false);
    });
    const after = await db().pass.findUniqueOrThrow({ where: { id: pass.id } });
    expect(after.versionTag).toBe(changed);
    expect(googleObject).toBe(false); // never saved to Google Wallet
    expect(after.data).toEqual({ points: 7 });
    expect(await db().passChange.findMany({ where: { passId: pass.id }, select: { versionTag: true, changes: true } })).toEqual([
      { versionTag: changed, changes: { points: { before: 0, after: 7 } } },
    ]);

    const boom = new Error("boom");
    await expect(
      pgTransaction(async (sql) => {
        const [locked] = await lockCustomerPasses(sql, pass.customerRecordId);
        await writePassVersion(sql, locked!, { data: { points: 8 }, metadata: locked!.metadata, passTypeId: locked!.passTypeId }, { points: { before: 7, after: 8 } }, null, false);
        throw boom;
      }),
    ).rejects.toBe(boom);
    const unchanged = await db().pass.findUniqueOrThrow({ where: { id: pass.id } });
    expect(unchanged).toMatchObject({ versionTag: changed, data: { points: 7 } });
    expect(await db().passChange.count({ where: { passId: pass.id } })).toBe(1);
    // the connection went back to the pool outside a transaction: a later statement is not inside a leftover one
    await expect(poolSql().query(`SELECT 1 AS one`)).resolves.toEqual([{ one: 1 }]);
  });

  it("returns the same values through Prisma and node-postgres (bigint as BigInt after mapping, jsonb parsed, enums as text)", async () => {
    const tenant = await testTenant({ customIdentifierKeys: ["loyaltyNumber"] });
    const pass = await testPass(tenant, { email: "both@example.com", loyaltyNumber: "LN-42" }, { data: { points: 3 } });
    const viaPg = await pgTransaction((sql) => lockCustomerPasses(sql, pass.customerRecordId));
    const viaPrisma = await prismaTransaction((_tx, sql) => lockCustomerPasses(sql, pass.customerRecordId));
    expect(viaPg).toEqual(viaPrisma);
    expect(viaPg).toHaveLength(1);
    expect(viaPg[0]).toMatchObject({ id: pass.id, serialNumber: pass.serialNumber, versionTag: pass.versionTag, data: { points: 3 }, passType: { key: "basic", style: "storeCard" } });
    expect(typeof viaPg[0]!.versionTag).toBe("bigint");
  });
});
