/**
 * The Add to Wallet page a customer opens from a pass's page link (`pass link`): on a phone the
 * pass and the "Add to Apple Wallet" button (no QR code), on a desktop also the QR code of the
 * page to open it on the phone. No console session. Jane's pass of a spec tenant set up like demo.
 */
import { expect, test, type Page } from "@playwright/test";
import { PUBLIC_URL, screenshot, signIn } from "./fixtures";
import { createSpecTenant, runCliForSpec } from "./tenants";

let links: { page: string; pkpass: string; expiresAt: string };
let serial: string;
let tenant: string;

/** A link's path and query: the browser reaches the server at BASE_URL, the links name PUBLIC_URL. */
const local = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

test.beforeAll(async () => {
  tenant = await createSpecTenant("e2e-wallet");
  // issuing again for Jane finds her seeded pass
  serial = (await runCliForSpec(["pass", "issue", "--tenant", tenant, "--type", "basic", "--email", "jane.doe@example.com"])).trim();
  links = JSON.parse(await runCliForSpec(["pass", "link", "--tenant", tenant, "--serial", serial, "--json"]));
  expect(links.page).toContain(`/p/${tenant}/${serial}?expires=`);
});

async function expectPass(page: Page) {
  const preview = page.getByTestId("pass-preview");
  await expect(preview).toBeVisible();
  await expect(preview.getByTestId("preview-field-points").getByTestId("field-value")).toHaveText("980");
  await expect(preview.getByTestId("preview-field-tier").getByTestId("field-value")).toHaveText("Silver");
  await expect(preview.getByTestId("preview-field-memberName").getByTestId("field-value")).toHaveText("Jane Doe");
  const button = page.getByRole("link", { name: "Add to Apple Wallet" });
  await expect(button).toBeVisible();
  const href = (await button.getAttribute("href"))!;
  expect(href.startsWith(`${PUBLIC_URL}/api/`)).toBe(true);
  expect(href).toContain(`/passes/${serial}.pkpass?expires=${new URL(links.page).searchParams.get("expires")}&signature=`);
  return href;
}

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("the pass and the Add to Apple Wallet button, which downloads the .pkpass; no QR code", async ({ page }, testInfo) => {
    await page.goto(local(links.page));
    await expect(page.getByRole("heading", { level: 1 })).toContainText("pass");
    const href = await expectPass(page);
    await expect(page.getByTestId("page-qr")).toBeHidden();
    await expect(page.getByTestId("scan-with-phone")).toBeHidden();
    // the button's link serves the pass file (the page's own signature would not)
    const file = await page.request.get(local(href));
    expect(file.status()).toBe(200);
    expect(file.headers()["content-type"]).toBe("application/vnd.apple.pkpass");
    expect((await page.request.get(`${local(href).split("?")[0]}${new URL(links.page).search}`)).status()).toBe(401);
    await screenshot(page, testInfo, "add-to-wallet-phone");
  });
});

test.describe("on a desktop", () => {
  test.use({ viewport: { width: 1400, height: 1000 } });

  test("the pass, the button and a QR code of the page to scan with the phone", async ({ page }, testInfo) => {
    await page.goto(local(links.page));
    await expectPass(page);
    const qr = page.getByTestId("page-qr");
    await expect(qr).toBeVisible();
    await expect(qr.locator("svg")).toBeVisible();
    const encoded = (await qr.getAttribute("data-value"))!;
    expect(local(encoded)).toBe(local(links.page));
    await expect(page.getByTestId("scan-with-phone")).toContainText("Scan this code with your phone");
    await screenshot(page, testInfo, "add-to-wallet-desktop");
  });

  test("a tampered link shows that it does not work; no console sign-in asked", async ({ page }) => {
    const res = await page.goto(local(links.page).replace(/signature=(.)/, (_m, c: string) => `signature=${c === "A" ? "B" : "A"}`));
    expect(res!.status()).toBe(404);
    await expect(page.getByTestId("pass-link-invalid")).toBeVisible();
    await expect(page).not.toHaveURL(/\/login/);
  });
});

test("an OPERATOR sets how long pass links live on the tenant page; new links follow it", async ({ page }) => {
  await signIn(page, "OPERATOR");
  await page.goto(`/tenants/${tenant}`);
  const settings = page.getByTestId("integration-settings");
  const ttl = settings.getByLabel(/Pass links .* stay valid \(days\)/);
  await expect(ttl).toHaveValue("7");
  await ttl.fill("30");
  await settings.getByRole("button", { name: "Save settings" }).click();
  await expect(settings.getByText("Saved.")).toBeVisible();
  await expect(page.getByText("Pass links valid for")).toBeVisible();
  const fresh = JSON.parse(await runCliForSpec(["pass", "link", "--tenant", tenant, "--serial", serial, "--json"])) as { expiresAt: string };
  expect(Math.round((Date.parse(fresh.expiresAt) - Date.now()) / 86400_000)).toBe(30);
});
