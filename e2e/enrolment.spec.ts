/**
 * Bulk enrolment and the install funnel in a real browser against the real app: an OPERATOR
 * uploads a CSV file of customers, follows its progress to the end and downloads the refused
 * rows; a VIEWER sees the imports but no upload; the tenant page's funnel shows the PassEvents
 * seeded for its basic passes, stage by stage and on the chart.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test } from "@playwright/test";
import { screenshot, signIn } from "./fixtures";
import { createSpecTenant } from "./tenants";

const ROOT = path.resolve(__dirname, "..");

/** 300 customers; rows 51 and 201 (customers 50 and 200) are refused. */
function customersCsv(prefix: string): string {
  const lines = ["email,loyaltyNumber,memberName,points"];
  for (let n = 1; n <= 300; n++) lines.push(`${n === 50 ? "nobody-at-example" : `${prefix}-${n}@example.com`},LN-${prefix}-${n},Member ${n},${n === 200 ? "many" : n}`);
  return lines.join("\n") + "\n";
}

test("an OPERATOR uploads customers, follows the import's progress and downloads the refused rows", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const tenant = await createSpecTenant("enrol");
  await signIn(page, "OPERATOR");
  await page.goto(`/tenants/${tenant}`);
  await page.getByRole("link", { name: "bulk enrolment" }).click();
  await expect(page.getByRole("heading", { name: "Bulk enrolment" })).toBeVisible();
  await page.getByLabel("Pass type").selectOption("basic");
  await page.getByLabel("CSV file").setInputFiles({ name: "customers.csv", mimeType: "text/csv", buffer: Buffer.from(customersCsv(tenant)) });
  await page.getByRole("button", { name: "Upload and issue passes" }).click();
  await expect(page.getByText("Stored 300 rows")).toBeVisible();

  const row = page.getByTestId("import-row").first();
  await expect(row).toContainText("customers.csv");
  await expect(row.getByRole("progressbar")).toBeVisible();
  await expect(row.getByTestId("import-progress")).toHaveText("300 / 300 rows (100 %)", { timeout: 120_000 });
  await expect(row).toContainText("SUCCEEDED");
  await expect(row.getByTestId("import-issued")).toHaveText("298");
  await screenshot(page, testInfo, "enrolment-import-done");

  const download = page.waitForEvent("download");
  await row.getByTestId("import-errors").click();
  const file = await (await download).path();
  const lines = readFileSync(file, "utf8").trim().split("\n");
  expect(lines[0]).toBe("row,column,reason");
  expect(lines.slice(1).map((l) => l.split(",").slice(0, 2).join(","))).toEqual(["51,email", "201,points"]);

  // a file with an unknown column is refused, naming it
  await page.getByLabel("CSV file").setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from("email,shoeSize\na@example.com,42\n") });
  await page.getByRole("button", { name: "Upload and issue passes" }).click();
  await expect(page.getByTestId("import-problem")).toContainText("columns.shoeSize");
  await expect(page.getByTestId("import-row")).toHaveCount(1);
});

test("a VIEWER sees the imports but cannot upload", async ({ page }) => {
  await signIn(page, "VIEWER");
  await page.goto("/tenants/demo/enrolment");
  await expect(page.getByRole("heading", { name: "Bulk enrolment" })).toBeVisible();
  await expect(page.getByText("No imports yet")).toBeVisible(); // the demo tenant has none

  await expect(page.getByRole("button", { name: "Upload and issue passes" })).toHaveCount(0);
});

test("the install funnel shows the tenant's pass events per stage and on the chart", async ({ page }, testInfo) => {
  const tenant = await createSpecTenant("funnel");
  const tsx = path.join(ROOT, "node_modules/tsx/dist/cli.mjs");
  const { stdout } = await promisify(execFile)(process.execPath, [tsx, path.join(ROOT, "e2e/seed-funnel.ts"), tenant], { cwd: ROOT, env: process.env });
  const expected = JSON.parse(stdout) as Record<string, number>;
  expect(expected.ISSUED).toBeGreaterThan(0);
  await signIn(page, "VIEWER");
  await page.goto(`/tenants/${tenant}`);
  const funnel = page.getByTestId("install-funnel");
  await funnel.getByLabel("Pass type").selectOption("basic");
  for (const [stage, count] of Object.entries(expected)) await expect(funnel.getByTestId(`funnel-count-${stage}`)).toHaveText(String(count));
  await expect(funnel.getByTestId("funnel-INSTALLED")).toContainText(`${Math.round((3 / expected.ISSUED!) * 100)} % of issued`);
  // the chart: the period's days on the x axis, a bar for the day the passes were issued (today),
  // a line per later stage
  const chart = funnel.getByTestId("funnel-chart");
  const day = (ago: number) => new Date(Date.now() - ago * 86_400_000).toISOString().slice(5, 10);
  await expect(chart).toContainText(`${day(29)}${day(28)}`);
  await expect(chart).toContainText(`${day(1)}${day(0)}`);
  await expect(chart.locator(".recharts-bar-rectangle")).toHaveCount(1);
  await expect(chart.locator(".recharts-line")).toHaveCount(4);
  await expect(chart.locator(".recharts-legend-item")).toHaveCount(5);
  await funnel.getByLabel("Period").selectOption("7");
  await expect(chart).toContainText(`${day(6)}${day(5)}`);
  await expect(chart).not.toContainText(day(7));
  await funnel.getByLabel("Pass type").selectOption("premium");
  await expect(funnel.getByTestId("funnel-count-INSTALLED")).toHaveText("0");
  await funnel.getByLabel("Pass type").selectOption("basic");
  await expect(funnel.getByTestId("funnel-count-INSTALLED")).toHaveText("3");
  await screenshot(page, testInfo, "install-funnel");
});
