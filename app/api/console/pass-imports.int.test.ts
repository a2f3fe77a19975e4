/**
 * Bulk enrolment over real HTTP and the real CLI, run by the app's embedded executor (the
 * pass-import function): an OPERATOR uploads 1,000 customers with 3 bad rows from the console →
 * 997 passes and a downloadable error file naming the 3 rows; `pass import` with the same file
 * issues none and writes the same 3 rows; a VIEWER (and a cross-site page) cannot upload, and a
 * refused header names the column, storing nothing.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parse } from "csv-parse/sync";
import superjson from "superjson";
import { db } from "@/server/db/client";
import { createStaff } from "@/server/staff/staff";
import { TestBrowser } from "@/server/tooling/testing/browser";
import { runCli, uniqueSlug } from "@/server/tooling/testing/cli";
import { TEST_PASSWORD } from "@/server/tooling/testing/console-fixtures";
import { enrolmentCsv } from "@/server/tooling/testing/import-files";
import { testTenant } from "@/server/tooling/testing/tasks";
import type { ImportProgress } from "@/server/passes/imports";
import type { Tenant } from "@prisma/client";

const appUrl = inject("appUrl");
const dir = mkdtempSync(path.join(tmpdir(), "passflow-import-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function signedIn(role: "VIEWER" | "OPERATOR"): Promise<TestBrowser> {
  const email = `${uniqueSlug(`import-${role.toLowerCase()}`)}@staff.example.com`;
  await createStaff({ email, role, password: TEST_PASSWORD, actor: "test" });
  const b = new TestBrowser(appUrl);
  expect((await b.signIn(email, TEST_PASSWORD)).searchParams.get("error")).toBeNull();
  return b;
}

const upload = (b: TestBrowser, tenant: string, csv: string, headers: Record<string, string> = {}) =>
  b.fetch(`/api/console/tenants/${tenant}/pass-imports?passType=basic&fileName=customers.csv`, { method: "POST", body: csv, headers: { "content-type": "text/csv", ...headers } });

async function progressOf(b: TestBrowser, id: string): Promise<ImportProgress> {
  const res = await b.query(`enrolment.import?input=${encodeURIComponent(JSON.stringify(superjson.serialize({ id })))}`);
  expect(res.status).toBe(200);
  return superjson.deserialize((await res.json()).result.data);
}

describe("bulk enrolment over HTTP and the CLI", () => {
  let tenant: Tenant;
  let operator: TestBrowser;
  const csv = enrolmentCsv("http", 1000, { 2: "email", 640: "points", 1000: "offerExpires" });
  beforeAll(async () => {
    tenant = await testTenant({ customIdentifierKeys: ["loyaltyNumber"] });
    operator = await signedIn("OPERATOR");
  }, 240_000);

  it("an OPERATOR uploads 1,000 customers: 997 passes, and the error file names the 3 bad rows", { timeout: 240_000 }, async () => {
    const res = await upload(operator, tenant.slug, csv);
    expect(res.status).toBe(201);
    const stored = (await res.json()) as ImportProgress;
    expect(stored).toMatchObject({ tenant: tenant.slug, passType: "basic", total: 1000, fileName: "customers.csv" });
    let p = stored;
    const seen = new Set<number>();
    for (let deadline = Date.now() + 180_000; p.status !== "SUCCEEDED" && p.status !== "FAILED" && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 200));
      p = await progressOf(operator, stored.id);
      seen.add(p.done);
    }
    expect(p).toMatchObject({ status: "SUCCEEDED", done: 1000, issued: 997, existing: 0, failed: 3, percent: 100 });
    expect(await db().pass.count({ where: { tenantId: tenant.id } })).toBe(997);
    expect(await db().passEvent.count({ where: { tenantId: tenant.id, kind: "ISSUED" } })).toBe(997);

    const download = await operator.fetch(`/api/console/pass-imports/${stored.id}/errors`);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toContain("text/csv");
    expect(download.headers.get("content-disposition")).toContain("attachment");
    const rows = parse(await download.text()) as string[][];
    expect(rows.map(([row, column]) => [row, column])).toEqual([
      ["row", "column"],
      ["3", "email"],
      ["641", "points"],
      ["1001", "offerExpires"],
    ]);
  });

  it("`pass import` with the same file issues none and writes the same 3 rows to its error file", { timeout: 240_000 }, async () => {
    const file = path.join(dir, "customers.csv");
    writeFileSync(file, csv);
    const r = await runCli(["pass", "import", "--tenant", tenant.slug, "--type", "basic", "--csv", file, "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as ImportProgress & { errorsFile: string; errors: { row: number; column: string; reason: string }[] };
    expect(result).toMatchObject({ status: "SUCCEEDED", total: 1000, issued: 0, existing: 997, failed: 3, errorsFile: path.join(dir, "customers.errors.csv") });
    expect(result.errors.map((e) => [e.row, e.column])).toEqual([
      [3, "email"],
      [641, "points"],
      [1001, "offerExpires"],
    ]);
    expect(readFileSync(result.errorsFile, "utf8").split("\n")[1]).toMatch(/^3,email,/);
    expect(await db().pass.count({ where: { tenantId: tenant.id } })).toBe(997);
  });

  it("an upload larger than the proxy's 10 MB body copy arrives whole, and its answer carries the security headers", { timeout: 240_000 }, async () => {
    const name = (n: number) => `${String(n).padStart(5, "0")}${"x".repeat(60_000)}`;
    const rows = Array.from({ length: 200 }, (_, i) => `big-${i + 1}@example.com,${name(i + 1)}`);
    const big = `email,memberName\n${rows.join("\n")}\n`;
    expect(big.length).toBeGreaterThan(11 * 1024 * 1024);
    const res = await upload(operator, tenant.slug, big);
    expect(res.status).toBe(201);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    const stored = (await res.json()) as ImportProgress;
    expect(stored.total).toBe(200);
    let p = stored;
    for (let deadline = Date.now() + 180_000; p.status !== "SUCCEEDED" && p.status !== "FAILED" && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 250));
      p = await progressOf(operator, stored.id);
    }
    expect(p).toMatchObject({ status: "SUCCEEDED", issued: 200, failed: 0 });
    const last = await db().pass.findFirstOrThrow({ where: { tenantId: tenant.id, customer: { email: "big-200@example.com" } } });
    expect((last.data as { memberName: string }).memberName).toBe(name(200));
  });

  it("a VIEWER cannot upload, nor a page of another site; a refused header names the column and stores nothing", { timeout: 120_000 }, async () => {
    const before = await db().passImport.count({ where: { tenantId: tenant.id } });
    const viewer = await signedIn("VIEWER");
    const refused = await upload(viewer, tenant.slug, csv);
    expect(refused.status).toBe(403);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    expect(((await refused.json()) as { detail: string }).detail).toContain("OPERATOR");
    expect((await upload(new TestBrowser(appUrl), tenant.slug, csv)).status).toBe(401);
    expect((await upload(operator, tenant.slug, csv, { origin: "https://evil.example", "sec-fetch-site": "cross-site" })).status).toBe(403);
    const badHeader = await upload(operator, tenant.slug, "email,favouriteColour\na@example.com,blue\n");
    expect(badHeader.status).toBe(400);
    expect(((await badHeader.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(["columns.favouriteColour"]);
    expect(await db().passImport.count({ where: { tenantId: tenant.id } })).toBe(before);
  });
});
