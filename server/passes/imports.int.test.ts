/**
 * Bulk enrolment on the real database, driven through the real pass-import function: a file of
 * 1,000 customers with 3 bad rows issues 997 passes (each with its ISSUED event) and names the
 * 3 rows; the same file again issues none; an import whose batch fails halfway keeps its
 * committed cursor and, resumed, issues every customer once; a file refused at upload leaves
 * nothing behind.
 */
import { describe, expect, inject, it } from "vitest";
import { InngestTestEngine } from "@inngest/test";
import { parse } from "csv-parse/sync";
import { db } from "@/server/db/client";
import { passImport } from "@/inngest/functions/pass-import";
import { passImportRequestedEvent } from "@/inngest/events";
import { enrolmentCsv, pieces } from "@/server/tooling/testing/import-files";
import { testTenant } from "@/server/tooling/testing/tasks";
import { DomainError } from "@/server/platform/errors";
import { getPassImport, importErrorsCsv, runImportSlice, startPassImport, type ImportProgress } from "./imports";

async function runImport(p: ImportProgress, tenantId: string) {
  const t = new InngestTestEngine({ function: passImport, events: [passImportRequestedEvent({ importId: p.id, tenantId, correlationId: p.correlationId })] });
  return t.execute();
}

const start = (tenant: string, csv: string) => startPassImport({ tenant, passType: "basic", fileName: "customers.csv", file: pieces(csv), actor: "test", dispatch: false });

async function errorsCsvOf(importId: string): Promise<string[][]> {
  let text = "";
  for await (const part of importErrorsCsv(importId)) text += part;
  return parse(text) as string[][];
}

const passesOf = (tenantId: string) => db().pass.count({ where: { tenantId, passType: { key: "basic" } } });
const issuedEventsOf = (tenantId: string) => db().passEvent.count({ where: { tenantId, kind: "ISSUED" } });

describe("bulk enrolment", () => {
  it("issues 997 of 1,000 rows, names the 3 bad rows in the error file, and a re-run issues none", { timeout: 120_000 }, async () => {
    const tenant = await testTenant({ customIdentifierKeys: ["loyaltyNumber"] });
    const csv = enrolmentCsv("bulk", 1000, { 17: "email", 500: "points", 999: "offerExpires" });
    const stored = await start(tenant.slug, csv);
    expect(stored).toMatchObject({ status: "QUEUED", total: 1000, done: 0, columns: ["email", "phone", "loyaltyNumber", "memberName", "points", "offerExpires"] });
    expect(await db().passImportChunk.count({ where: { importId: stored.id } })).toBeGreaterThan(0);

    const { error, result } = await runImport(stored, tenant.id);
    expect(error).toBeUndefined();
    expect(result).toEqual({ status: "SUCCEEDED", total: 1000, done: 1000, issued: 997, existing: 0, failed: 3 });
    expect(await passesOf(tenant.id)).toBe(997);
    expect(await issuedEventsOf(tenant.id)).toBe(997);
    // the file is gone once the import finished
    expect(await db().passImportChunk.count({ where: { importId: stored.id } })).toBe(0);

    // row numbers count the header as row 1: customer n is on row n + 1
    const errors = await errorsCsvOf(stored.id);
    expect(errors[0]).toEqual(["row", "column", "reason"]);
    expect(errors.slice(1).map(([row, column]) => [row, column])).toEqual([
      ["18", "email"],
      ["501", "points"],
      ["1000", "offerExpires"],
    ]);
    expect(errors[1]![2]).toContain("not an email address");
    expect(errors[2]![2]).toContain('"lots" is not a number');
    expect(errors[3]![2]).toContain("is not an ISO 8601 date");

    // typed field values, identifiers as given (a quoted name with a comma, a row without a phone)
    const pass70 = await db().pass.findFirstOrThrow({ where: { tenantId: tenant.id, customer: { email: "bulk-70@example.com" } }, include: { customer: { include: { identifiers: true } } } });
    expect(pass70.data).toMatchObject({ points: 700, memberName: "Member, No. 70", offerExpires: "2026-12-31T00:00:00.000Z", tier: "Member" });
    expect(pass70.customer.phone).toBeNull();
    expect(pass70.customer.identifiers.map((i) => [i.key, i.value])).toEqual([["loyaltyNumber", "LN-bulk-70"]]);
    const pass3 = await db().pass.findFirstOrThrow({ where: { tenantId: tenant.id, customer: { email: "bulk-3@example.com" } }, include: { customer: true } });
    expect(pass3.customer.phone).toBe("+442070000003");

    // the same file again: every customer already holds a pass
    const again = await start(tenant.slug, csv);
    const rerun = await runImport(again, tenant.id);
    expect(rerun.result).toEqual({ status: "SUCCEEDED", total: 1000, done: 1000, issued: 0, existing: 997, failed: 3 });
    expect(await passesOf(tenant.id)).toBe(997);
    expect(await issuedEventsOf(tenant.id)).toBe(997);
  });

  // the parts of a batch race on their own connections while one fails: a real server only
  // (embedded PGlite is one session for every connection)
  it.skipIf(inject("databaseEmbedded"))("an import interrupted halfway resumes from its committed cursor and issues every customer once", { timeout: 120_000 }, async () => {
    const tenant = await testTenant({ customIdentifierKeys: ["loyaltyNumber"] });
    const stored = await start(tenant.slug, enrolmentCsv("resume", 400));
    // two batches of 100 committed, one slice each (no time budget left after a batch)
    expect(await runImportSlice(stored.id, 0, { batchRows: 100 })).toEqual({ finished: false, rows: 100 });
    expect(await runImportSlice(stored.id, 0, { batchRows: 100 })).toEqual({ finished: false, rows: 100 });
    // the third batch (4 parts of 25 rows, side by side) dies at its 51st row, a database failure
    // that is not the row's fault: that part is rolled back, the other three are committed and
    // listed, and the cursor stays at 200
    await db().$executeRawUnsafe(`CREATE FUNCTION pg_temp_import_boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.data->>'memberName' = 'Member 251' THEN RAISE EXCEPTION 'the machine went away'; END IF; RETURN NEW; END $$`);
    await db().$executeRawUnsafe(`CREATE TRIGGER import_boom BEFORE INSERT ON "Pass" FOR EACH ROW EXECUTE FUNCTION pg_temp_import_boom()`);
    try {
      await expect(runImportSlice(stored.id, 0, { batchRows: 100 })).rejects.toThrow("the machine went away");
    } finally {
      await db().$executeRawUnsafe(`DROP TRIGGER import_boom ON "Pass"`);
      await db().$executeRawUnsafe(`DROP FUNCTION pg_temp_import_boom()`);
    }
    const halfway = (await getPassImport(stored.id))!;
    expect(halfway).toMatchObject({ status: "RUNNING", done: 200, issued: 275, failed: 0 });
    expect(await passesOf(tenant.id)).toBe(275);
    const listed = await db().passImport.findUniqueOrThrow({ where: { id: stored.id }, select: { doneParts: true } });
    const parts = (listed.doneParts as { from: number; to: number }[]).sort((a, b) => a.from - b.from);
    expect(parts).toEqual([{ from: 200, to: 225 }, { from: 225, to: 250 }, { from: 275, to: 300 }]);

    // the function picks it up from the cursor
    const { error, result } = await runImport(stored, tenant.id);
    expect(error).toBeUndefined();
    expect(result).toEqual({ status: "SUCCEEDED", total: 400, done: 400, issued: 400, existing: 0, failed: 0 });
    const perCustomer = await db().pass.groupBy({ by: ["customerRecordId"], where: { tenantId: tenant.id }, _count: true });
    expect(perCustomer).toHaveLength(400);
    expect(perCustomer.every((c) => c._count === 1)).toBe(true);
    expect(await issuedEventsOf(tenant.id)).toBe(400);
    // a slice of a finished import does nothing
    expect(await runImportSlice(stored.id, 0)).toEqual({ finished: true, rows: 0 });
  });

  it("refuses a file whose header names an unknown column, or that has no identifier column, and stores nothing", async () => {
    const tenant = await testTenant();
    const before = await db().passImport.count({ where: { tenantId: tenant.id } });
    const refused = await start(tenant.slug, "email,points,favouriteColour\na@example.com,1,blue\n").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: "invalid_input", field: "columns.favouriteColour" });
    await expect(start(tenant.slug, "points,tier\n1,Gold\n")).rejects.toMatchObject({ code: "invalid_input", field: "columns" });
    await expect(start(tenant.slug, "email,points\n")).rejects.toMatchObject({ code: "invalid_input", field: "file" });
    await expect(start(tenant.slug, 'email,points\n"unclosed,1\n')).rejects.toMatchObject({ code: "invalid_input", field: "file" });
    await expect(startPassImport({ tenant: tenant.slug, passType: "nope", file: pieces("email\na@example.com\n"), actor: "test", dispatch: false })).rejects.toMatchObject({ code: "pass_type_not_found", field: "passType" });
    expect(await db().passImport.count({ where: { tenantId: tenant.id } })).toBe(before);
  });
});
