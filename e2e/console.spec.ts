/**
 * The staff console in a real browser against the real app: roles (scenario 1), phone search
 * (scenario 4), sign-in errors and sign-out, and a screenshot of every main page.
 */
import { expect, test } from "@playwright/test";
import superjson from "superjson";
import { screenshot, signIn, STAFF } from "./fixtures";

/** POST a tRPC mutation from the page's own origin with its session cookie. */
async function trpcMutation(page: import("@playwright/test").Page, path: string, input: unknown) {
  return page.request.post(`/api/trpc/${path}`, { data: superjson.serialize(input), headers: { "content-type": "application/json" } });
}

test("scenario 1: a VIEWER sees no key-management or replay controls and a direct tRPC call is refused", async ({ page }, testInfo) => {
  await signIn(page, "VIEWER");
  await page.goto("/tenants/demo");
  await expect(page.getByRole("heading", { name: /Demo Coffee/ })).toBeVisible();
  await expect(page.getByTestId("api-key-row").first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Create API key" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Revoke" })).toHaveCount(0);
  await expect(page.getByTestId("integration-settings")).toHaveCount(0);
  await screenshot(page, testInfo, "viewer-tenant");

  await page.goto("/tasks");
  await expect(page.getByRole("heading", { name: "Sync tasks" })).toBeVisible();
  await expect(page.getByRole("button", { name: /replay/i })).toHaveCount(0);

  const refused = await trpcMutation(page, "tenants.createApiKey", { tenant: "demo", name: "sneaky" });
  expect(refused.status()).toBe(403);
  expect(JSON.stringify(await refused.json())).toContain("FORBIDDEN");
});

test("scenario 4: a pass is found by a phone number written differently from how it was stored", async ({ page }, testInfo) => {
  await signIn(page, "VIEWER");
  await page.goto("/passes");
  await page.getByLabel("Tenant").selectOption("demo");
  // stored as +14155550100 (E.164); typed the way a customer reads it out
  await page.getByLabel(/Email, phone/).fill("(415) 555-0100");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/q=%28415%29/);
  const rows = page.getByTestId("pass-row");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("jane.doe@example.com");
  await expect(rows.first()).toContainText("phone");
  await screenshot(page, testInfo, "passes-search-phone");

  await page.getByLabel(/Email, phone/).fill("415.555.0100");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/q=415\.555\.0100/);
  await expect(rows).toHaveCount(1);

  await rows.first().getByRole("link").first().click();
  await expect(page.getByTestId("pass-preview")).toBeVisible();
  await expect(page.getByTestId("preview-field-points")).toContainText("980");
  await screenshot(page, testInfo, "pass-detail");

  // a VIEWER gets no .pkpass (it carries the pass's authenticationToken), by link or directly
  await expect(page.getByRole("link", { name: "Download .pkpass" })).toHaveCount(0);
  const serial = decodeURIComponent(page.url().split("/passes/")[1]!);
  const refused = await page.request.get(`/api/console/passes/${encodeURIComponent(serial)}/pkpass`);
  expect(refused.status()).toBe(403);
});

test("wrong passwords are refused and sign-out ends the session", async ({ page, browser }) => {
  await page.goto("/login");
  const submit = page.getByRole("button", { name: "Sign in", exact: true });
  await expect(submit).toBeEnabled();
  await page.getByLabel("Email").fill(STAFF.OPERATOR.email);
  await page.getByLabel("Password").fill("not the password");
  await submit.click();
  await expect(page.getByTestId("login-error")).toHaveText("Wrong email or password.");

  await signIn(page, "OPERATOR");
  const copied = await page.context().cookies(); // a copy of the session cookie, as a thief would keep
  const elsewhere = await browser.newContext();
  await elsewhere.addCookies(copied);
  expect((await elsewhere.request.get("/api/trpc/me.get")).status()).toBe(200);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/tasks");
  await expect(page).toHaveURL(/\/login/);
  // the copy stops working too: the session ended on the server, not only in this browser
  expect((await elsewhere.request.get("/api/trpc/me.get")).status()).toBe(401);
  await elsewhere.close();
});

test("every main page renders (screenshots)", async ({ page }, testInfo) => {
  await page.goto("/login");
  await screenshot(page, testInfo, "login");
  await signIn(page, "ADMIN");
  const pages: [string, string, RegExp][] = [
    ["/", "overview", /Overview/],
    ["/?range=7d", "overview-7d", /Overview/],
    ["/passes?tenant=demo", "passes", /Passes/],
    ["/tasks", "tasks", /Sync tasks/],
    ["/receipts", "receipts", /Webhook receipts/],
    ["/tenants", "tenants", /Tenants/],
    ["/tenants/demo", "tenant-detail", /Demo Coffee/],
    ["/audit", "audit", /Audit log/],
    ["/staff", "staff", /Staff/],
  ];
  for (const [path, name, heading] of pages) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await expect(page.getByTestId("error-state")).toHaveCount(0);
    await screenshot(page, testInfo, name);
  }
  await page.goto("/passes?tenant=demo&q=jane.doe%40example.com");
  await page.getByRole("link", { name: "jane.doe@example.com" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "jane.doe@example.com" })).toBeVisible();
  await screenshot(page, testInfo, "customer");
  await page.goto("/tasks?status=BOGUS");
  await expect(page.getByTestId("error-state")).toBeVisible();
  await page.goto("/receipts?tenant=nobody-here");
  await expect(page.getByTestId("empty-state")).toBeVisible();
});
