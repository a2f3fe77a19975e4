/**
 * The tenant page's Klaviyo private API key in a real browser against the run's app: set through
 * the settings form, shown only as "set, ending …", and "Test connection" against the Klaviyo API
 * mock (working key, then a key the mock no longer knows).
 */
import { randomBytes } from "node:crypto";
import { chromium } from "@playwright/test";
import { describe, expect, inject, it } from "vitest";
import { createStaff } from "@/server/staff/staff";
import { klaviyoMockControl } from "@/server/tooling/mocks/klaviyo";
import { uniqueSlug } from "@/server/tooling/testing/cli";
import { TEST_PASSWORD } from "@/server/tooling/testing/console-fixtures";
import { TestBrowser } from "@/server/tooling/testing/browser";
import { testTenant } from "@/server/tooling/testing/tasks";
import { db } from "@/server/db/client";
import { decryptSecret } from "@/server/platform/crypto";

const appUrl = inject("appUrl");
const mock = klaviyoMockControl(inject("klaviyoMock").controlUrl);

describe("tenant page: Klaviyo private API key", () => {
  it("an operator sets the key, sees only its ending, and tests the connection", async () => {
    const tenant = await testTenant();
    const email = `${uniqueSlug("klaviyokey")}@staff.example.com`;
    await createStaff({ email, role: "OPERATOR", password: TEST_PASSWORD, actor: "test" });
    const key = `pk_test_${randomBytes(12).toString("hex")}`;
    await mock.addKey(key);
    const session = new TestBrowser(appUrl);
    expect((await session.signIn(email, TEST_PASSWORD)).searchParams.get("error")).toBeNull();
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
    try {
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
      await context.addCookies([...session.cookies].map(([name, value]) => ({ name, value, url: appUrl })));
      const page = await context.newPage();
      await page.goto(`${appUrl}/tenants/${tenant.slug}`, { timeout: 240_000 }); // next dev compiles the page on the first visit
      await expect.poll(() => page.getByTestId("klaviyo-api-key").textContent(), { timeout: 120_000 }).toContain("not set");

      await page.locator('input[name="klaviyoApiKey"]').fill(key);
      await page.getByRole("button", { name: "Save settings" }).click();
      await expect.poll(() => page.getByTestId("klaviyo-api-key").textContent(), { timeout: 30_000 }).toContain(`set, ending …${key.slice(-4)}`);
      expect(await page.content()).not.toContain(key);
      const row = await db().tenant.findUniqueOrThrow({ where: { id: tenant.id } });
      expect(decryptSecret(row.klaviyoApiKeyEncrypted!)).toBe(key);

      await page.getByRole("button", { name: "Test connection" }).click();
      await expect.poll(() => page.getByTestId("klaviyo-connection-result").textContent(), { timeout: 30_000 }).toContain("Connected");
      await mock.removeKey(key); // as if the key were revoked in Klaviyo
      await page.getByRole("button", { name: "Test connection" }).click();
      await expect.poll(() => page.getByTestId("klaviyo-connection-result").textContent(), { timeout: 30_000 }).toContain("Failed: Klaviyo does not know this private API key (401)");
    } finally {
      await browser.close();
    }
  }, 420_000);
});
