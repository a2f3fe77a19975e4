/**
 * What the e2e run shares between its server (`serve.ts`) and its specs: the port, the data
 * directory, the seeded staff logins, and page helpers (sign in, screenshot).
 */
import path from "node:path";
import { mkdirSync } from "node:fs";
import { expect, type Page, type TestInfo } from "@playwright/test";

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3210);
export const BASE_URL = `http://127.0.0.1:${E2E_PORT}`;
/** The server's PUBLIC_URL (pass webServiceURL): https, as production requires; the browser itself uses BASE_URL. */
export const PUBLIC_URL = "https://passflow.e2e.invalid";
export const ARTIFACTS = path.resolve(__dirname, ".artifacts");
/** Embedded database and development secrets of the run (when DATABASE_URL is unset). */
export const DATA_DIR = path.join(ARTIFACTS, "data");
export const SCREENSHOTS = path.join(ARTIFACTS, "screenshots");

/** Staff the server seeds before the specs run. Test-only passwords. */
export const STAFF = {
  VIEWER: { email: "viewer@e2e.passflow.dev", password: "viewer password e2e" },
  OPERATOR: { email: "operator@e2e.passflow.dev", password: "operator password e2e" },
  ADMIN: { email: "admin@e2e.passflow.dev", password: "admin password e2e" },
} as const;
export type Role = keyof typeof STAFF;

/** Signs in through the login form and waits for the console. */
export async function signIn(page: Page, role: Role): Promise<void> {
  await page.goto("/login");
  const submit = page.getByRole("button", { name: "Sign in", exact: true });
  await expect(submit).toBeEnabled(); // enabled once the page's script runs
  await page.getByLabel("Email").fill(STAFF[role].email);
  await page.getByLabel("Password").fill(STAFF[role].password);
  await submit.click();
  await expect(page.getByTestId("staff-role")).toHaveText(role);
}

/** Saves a full-page screenshot under e2e/.artifacts/screenshots and attaches it to the report. */
export async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: "image/png" });
}

/** Creates an API key for `tenant` on its console page and reads it from the shown-once box. */
export async function createKeyInConsole(page: Page, tenant: string, name: string): Promise<string> {
  await page.goto(`/tenants/${tenant}`);
  await page.getByPlaceholder("Klaviyo VIP flow").fill(name);
  await page.getByRole("button", { name: "Create API key" }).click();
  const key = (await page.getByTestId("new-api-key-value").textContent())!.trim();
  expect(key).toMatch(/^pf_[a-z0-9]{8}_/);
  return key;
}
