/**
 * Security headers (proxy.ts) in a real browser: every console page arrives with its
 * Content-Security-Policy, X-Frame-Options, X-Content-Type-Options, Referrer-Policy and (PUBLIC_URL
 * is https here) Strict-Transport-Security, and works under that policy: the browser reports no
 * violation on any page, and the pages' scripts run (sign-in, the API key form, live lists).
 * Also the styled not-found page and the favicon.
 */
import { expect, test, type Page, type Response } from "@playwright/test";
import { screenshot, signIn } from "./fixtures";
import { createSpecTenant } from "./tenants";

/** Collects CSP violations the page reports, as DOM events and as console messages. */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  const fromConsole: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to (execute|load|apply|connect|frame)/i.test(m.text())) fromConsole.push(`${page.url()}: ${m.text()}`);
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      w.__cspViolations.push(`${location.pathname}: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  return async () => [...fromConsole, ...(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations))];
}

function expectSecurityHeaders(res: Response | null) {
  expect(res, "a document response").not.toBeNull();
  const h = res!.headers();
  const csp = h["content-security-policy"] ?? "";
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(h["x-frame-options"]).toBe("DENY");
  expect(h["x-content-type-options"]).toBe("nosniff");
  expect(h["referrer-policy"]).toBe("same-origin");
  expect(h["strict-transport-security"]).toBe("max-age=31536000"); // e2e's PUBLIC_URL is https
}

test("every console page carries the security headers and reports no CSP violation", async ({ page, request }, testInfo) => {
  const violations = await watchViolations(page);

  const login = await page.goto("/login");
  expectSecurityHeaders(login);
  await signIn(page, "ADMIN"); // the sign-in form's script ran under the policy

  // something in every list: a key made in the console drives one webhook, on a tenant of its own
  const slug = await createSpecTenant("e2e-csp");
  await page.goto(`/tenants/${slug}`);
  await page.getByPlaceholder("Klaviyo VIP flow").fill("e2e security headers");
  await page.getByRole("button", { name: "Create API key" }).click();
  const key = (await page.getByTestId("new-api-key-value").textContent())!.trim();
  const webhook = await request.post(`/api/${slug}/webhooks/listeners/klaviyo/passes/pushUpdate`, {
    headers: { authorization: `Bearer ${key}` },
    data: { identifiers: { email: "john.smith@example.com" }, additionalData: { points: "5500" } },
  });
  expect(webhook.status()).toBe(200);
  expect(webhook.headers()["x-content-type-options"]).toBe("nosniff"); // API answers too
  expect(webhook.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");

  const visited: string[] = [];
  const visit = async (path: string, heading: RegExp) => {
    const res = await page.goto(path);
    expectSecurityHeaders(res);
    await expect(page.getByRole("heading", { level: 1 }).first()).toContainText(heading);
    await page.waitForLoadState("networkidle");
    visited.push(path);
  };
  /** The href of the first link in rows of `testId` on the current page. */
  const firstLink = async (testId: string) => (await page.getByTestId(testId).first().getByRole("link").first().getAttribute("href"))!;

  await visit("/", /Overview/);
  await visit(`/passes?tenant=${slug}&q=john.smith%40example.com`, /Passes/);
  const passHref = await firstLink("pass-row");
  await visit(passHref, /.+/);
  await expect(page.getByTestId("pass-preview")).toBeVisible();
  const customerHref = (await page.locator('a[href^="/customers/"]').first().getAttribute("href"))!;
  await visit(customerHref, /.+/);
  await visit(`/tasks?tenant=${slug}`, /Sync tasks/);
  await expect(page.getByTestId("task-row").first()).toBeVisible();
  await visit(await firstLink("task-row"), /.+/);
  await visit(`/receipts?tenant=${slug}`, /Webhook receipts/);
  await visit(await firstLink("receipt-row"), /.+/);
  await visit("/tenants", /Tenants/);
  await visit(`/tenants/${slug}`, /Demo Coffee/);
  await expect(page.getByTestId("funnel-chart")).toBeVisible();
  await visit(`/tenants/${slug}/enrolment`, /Bulk enrolment/);
  await visit(`/tenants/${slug}/pass-types`, /Pass types/);
  await visit(`/tenants/${slug}/pass-types/basic`, /Basic loyalty card/);
  await expect(page.getByTestId("pass-preview")).toBeVisible();
  await visit("/audit", /Audit/);
  await visit("/staff", /Staff/);
  await screenshot(page, testInfo, "staff-under-csp");

  expect(visited).toHaveLength(15);
  expect(await violations()).toEqual([]);

  // and the policy holds: injected markup's inline handler (the XSS of an unescaped value) does not run, and is reported
  const ran = await page.evaluate(async () => {
    document.body.insertAdjacentHTML("beforeend", '<img alt="" src="data:," onerror="window.__injected = true">');
    await new Promise((r) => setTimeout(r, 300));
    return (window as unknown as { __injected?: boolean }).__injected === true;
  });
  expect(ran).toBe(false);
  await expect.poll(async () => (await violations()).some((v) => v.includes("script-src"))).toBe(true);
});

test("an unknown URL gets the styled not-found page; /favicon.ico is an icon", async ({ page }, testInfo) => {
  const violations = await watchViolations(page);
  const res = await page.goto("/no-such-page");
  expect(res!.status()).toBe(404);
  expectSecurityHeaders(res);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByText("This page could not be found")).toHaveCount(0); // Next.js's unstyled default
  const background = await page.locator("main").evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(background).not.toBe("rgba(0, 0, 0, 0)"); // the stylesheet applied
  await expect(page.getByRole("link", { name: "Go to the console" })).toHaveAttribute("href", "/");
  await screenshot(page, testInfo, "not-found");
  expect(await violations()).toEqual([]);

  const icon = await page.request.get("/favicon.ico");
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toBe("image/x-icon");
  expect([...(await icon.body()).subarray(0, 4)]).toEqual([0, 0, 1, 0]); // an ICO file
  await expect(page.locator('link[rel="icon"]').first()).toHaveAttribute("href", /^\/favicon\.ico/);
});
