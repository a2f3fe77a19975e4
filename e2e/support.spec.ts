/**
 * The console as a support agent uses it: every main page fits from a phone (390 px) to a wide
 * screen (screenshots at 390, 1024, 1440 and 1920 px, no horizontal page overflow, the task table's
 * last column inside its card), the pass front readable the way Wallet lays out a store card, and
 * replay saying beforehand what it will and will not change.
 */
import { expect, test, type Page } from "@playwright/test";
import { createKeyInConsole, screenshot, signIn } from "./fixtures";
import { createSpecTenant } from "./tenants";

/** Sends a pushUpdate for Jane with `additionalData` and returns its correlation id. */
async function pushUpdate(page: Page, tenant: string, key: string, additionalData: Record<string, string>): Promise<string> {
  const res = await page.request.post(`/api/${tenant}/webhooks/listeners/klaviyo/passes/pushUpdate`, {
    headers: { authorization: `Bearer ${key}` },
    data: { identifiers: { email: "jane.doe@example.com" }, passType: null, additionalData, updateMetadata: false },
  });
  expect(res.status()).toBe(200);
  return res.headers()["x-correlation-id"]!;
}

/** Waits until the tenant's task list shows `count` rows and none is still QUEUED or RUNNING. */
async function waitForTasks(page: Page, tenant: string, count: number) {
  await page.goto(`/tasks?tenant=${tenant}`);
  const rows = page.getByTestId("task-row");
  await expect(rows).toHaveCount(count, { timeout: 60_000 });
  await expect(rows.filter({ hasText: /QUEUED|RUNNING/ })).toHaveCount(0, { timeout: 60_000 });
}

/** The page does not scroll sideways. */
async function expectNoHorizontalOverflow(page: Page, what: string) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth, `${what}: the page is ${scrollWidth} px wide in a ${innerWidth} px window`).toBeLessThanOrEqual(innerWidth);
}

async function janesSerial(page: Page, tenant: string): Promise<string> {
  await page.goto(`/passes?tenant=${tenant}&q=jane.doe%40example.com`);
  const link = page.getByTestId("pass-row").first().getByRole("link").first();
  const href = (await link.getAttribute("href"))!;
  return decodeURIComponent(href.split("/passes/")[1]!);
}

test("every main page fits from 390 to 1920 px: collapsible navigation, tables inside their cards, short ids (screenshots)", async ({ page }, testInfo) => {
  test.slow(); // ten pages at four widths, each a full-page screenshot (the pass type editor is a tall one)
  const tenant = await createSpecTenant("e2e-layout");
  await signIn(page, "OPERATOR");
  const key = await createKeyInConsole(page, tenant, "e2e layout");
  await pushUpdate(page, tenant, key, { points: "1250" });
  await pushUpdate(page, tenant, key, { points: "1300", favouriteColour: "teal" }); // no such field: invalid_field_value
  await waitForTasks(page, tenant, 2);
  const failed = page.getByTestId("task-row").filter({ hasText: "FAILED" }).first();
  const taskId = (await failed.getByRole("link").first().getAttribute("href"))!.split("/tasks/")[1]!;
  // the id is shortened in the list, whole in its title, and copied whole
  const shown = failed.getByTestId("short-id").first();
  await expect(shown).toHaveAttribute("title", taskId);
  expect(((await shown.textContent()) ?? "").length).toBeLessThan(taskId.length);
  const serial = await janesSerial(page, tenant);
  await page.goto(`/receipts?tenant=${tenant}`);
  const receiptHref = (await page.getByTestId("receipt-row").first().getByRole("link").first().getAttribute("href"))!;

  const pages: [string, string, RegExp | string][] = [
    ["/", "overview", /Overview/],
    [`/passes?tenant=${tenant}`, "passes", /Passes/],
    [`/passes/${encodeURIComponent(serial)}`, "pass", /Pass/],
    [`/tasks?tenant=${tenant}`, "tasks", /Sync tasks/],
    [`/tasks/${taskId}`, "task", /Sync task/],
    [`/receipts?tenant=${tenant}`, "receipts", /Webhook receipts/],
    [receiptHref, "receipt", /Webhook receipt/],
    [`/tenants/${tenant}`, "tenant", /Demo Coffee/],
    [`/tenants/${tenant}/pass-types`, "pass-types", /Pass types/],
    [`/tenants/${tenant}/pass-types/basic`, "pass-type-editor", /Basic loyalty card/],
  ];
  for (const width of [390, 1024, 1440, 1920]) {
    await page.setViewportSize({ width, height: 900 });
    for (const [path, name, heading] of pages) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
      await expect(page.getByTestId("error-state")).toHaveCount(0);
      if (name === "tasks") await expect(page.getByTestId("task-row")).toHaveCount(2);
      await expectNoHorizontalOverflow(page, `${name} at ${width} px`);
      await screenshot(page, testInfo, `layout-${name}-${width}`);
    }
  }

  // phone: the navigation hides behind a menu button and opens over the page
  await page.setViewportSize({ width: 390, height: 900 });
  await page.goto("/");
  const nav = page.getByRole("navigation", { name: "Console" });
  await expect(nav).toBeHidden();
  await page.getByRole("button", { name: "Menu" }).click();
  await expect(nav).toBeVisible();
  await screenshot(page, testInfo, "layout-menu-open-390");
  await nav.getByRole("link", { name: "Sync tasks" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Sync tasks" })).toBeVisible();
  await expect(nav).toBeHidden(); // following a link closes the menu
  await expectNoHorizontalOverflow(page, "tasks after the menu");

  // wide screen: the navigation is always there, no menu button
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/tasks?tenant=${tenant}`);
  await expect(page.getByRole("navigation", { name: "Console" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Menu" })).toBeHidden();
  // the last column and the Replay button lie inside the table's card, not scrolled off it
  const card = (await page.getByTestId("task-table").boundingBox())!;
  const lastHead = (await page.getByTestId("task-table").locator("th").last().boundingBox())!;
  const replay = (await page.getByTestId("task-row").filter({ hasText: "FAILED" }).first().getByRole("button", { name: "Replay" }).boundingBox())!;
  const finished = (await page.getByTestId("task-table").locator("th", { hasText: "Finished" }).boundingBox())!;
  for (const [what, box] of [["last column", lastHead], ["Replay button", replay], ["Finished column", finished]] as const) {
    expect(box.x, `${what} starts inside the card`).toBeGreaterThanOrEqual(card.x);
    expect(box.x + box.width, `${what} ends inside the card (${box.x + box.width} > ${card.x + card.width})`).toBeLessThanOrEqual(card.x + card.width + 0.5);
  }
  // task ids stay on one line
  const idBox = (await page.getByTestId("task-row").first().getByTestId("short-id").first().boundingBox())!;
  expect(idBox.height).toBeLessThan(24);
  // the copy button puts the whole id on the clipboard
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.getByTestId("task-row").filter({ hasText: "FAILED" }).first().getByRole("button", { name: "Copy id" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(taskId);
});

/** WCAG contrast ratio of two `rgb(…)` / `rgba(…)` colors. */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = c.match(/[\d.]+/g)!.slice(0, 3).map(Number).map((v) => {
      const s = v / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

test("the pass front reads like a Wallet store card: primary field over the strip, in the pass's colors, readable", async ({ page }, testInfo) => {
  await signIn(page, "VIEWER");
  for (const [type, email, points] of [["basic", "jane.doe@example.com", "980"], ["premium", "john.smith@example.com", "5,400"]] as const) {
    await page.goto(`/passes?tenant=demo&q=${encodeURIComponent(email)}`);
    await page.getByTestId("pass-row").first().getByRole("link").first().click();
    const preview = page.getByTestId("pass-preview");
    await expect(preview).toBeVisible();
    const strip = preview.getByTestId("preview-strip");
    await expect(strip).toBeVisible();
    const primary = strip.getByTestId("preview-field-points");
    await expect(primary).toContainText(points);
    const stripBox = (await strip.boundingBox())!;
    const previewBox = (await preview.boundingBox())!;
    const label = primary.getByTestId("field-label");
    const value = primary.getByTestId("field-value");
    for (const [what, el] of [["label", label], ["value", value]] as const) {
      const box = (await el.boundingBox())!;
      expect(box.y, `primary ${what} starts inside the strip`).toBeGreaterThanOrEqual(stripBox.y);
      expect(box.y + box.height, `primary ${what} ends inside the strip`).toBeLessThanOrEqual(stripBox.y + stripBox.height);
      expect(box.x).toBeGreaterThanOrEqual(stripBox.x);
      expect(box.x + box.width).toBeLessThanOrEqual(stripBox.x + stripBox.width);
    }
    // logo and logo text top left, above the strip; secondary and auxiliary fields below it; the barcode at the bottom
    const logo = (await preview.getByTestId("preview-logo").boundingBox())!;
    expect(logo.y + logo.height).toBeLessThanOrEqual(stripBox.y);
    expect(logo.x).toBeLessThan(previewBox.x + previewBox.width / 2);
    await expect(preview.getByTestId("preview-logo")).toContainText("Demo Coffee");
    const below = (await preview.getByTestId("preview-field-tier").boundingBox())!;
    const barcode = (await preview.getByTestId("preview-barcode").boundingBox())!;
    expect(below.y).toBeGreaterThanOrEqual(stripBox.y + stripBox.height);
    expect(barcode.y).toBeGreaterThanOrEqual(below.y + below.height);

    // colors from the computed styles: text in the pass's label / foreground colors, on a backdrop
    // of the pass's background color (not directly on the strip image), with enough contrast
    const looks = await primary.evaluate((field) => {
      const root = field.closest('[data-testid="pass-preview"]')!;
      /** The first layer under `el`'s center that paints something: its background color and whether it is an image. */
      const backdrop = (el: Element) => {
        const r = el.getBoundingClientRect();
        const stack = document.elementsFromPoint(r.x + r.width / 2, r.y + r.height / 2);
        for (const layer of stack) {
          if (layer === el || el.contains(layer)) continue;
          const s = getComputedStyle(layer);
          const image = s.backgroundImage !== "none" || layer.tagName === "IMG";
          const color = s.backgroundColor;
          const opaque = !/rgba\(.*,\s*0\)$/.test(color) && color !== "transparent";
          if (image || opaque) return { color, image, alphaOk: !/rgba/.test(color) };
        }
        return null;
      };
      const label = field.querySelector('[data-testid="field-label"]')!;
      const value = field.querySelector('[data-testid="field-value"]')!;
      return {
        background: getComputedStyle(root).backgroundColor,
        labelColor: getComputedStyle(label).color,
        valueColor: getComputedStyle(value).color,
        valueSize: parseFloat(getComputedStyle(value).fontSize),
        labelBackdrop: backdrop(label),
        valueBackdrop: backdrop(value),
      };
    });
    const colors = type === "basic" ? { label: "rgb(236, 248, 246)", fg: "rgb(255, 255, 255)" } : { label: "rgb(250, 250, 250)", fg: "rgb(212, 175, 55)" };
    expect(looks.labelColor).toBe(colors.label);
    expect(looks.valueColor).toBe(colors.fg);
    for (const [what, b] of [["label", looks.labelBackdrop], ["value", looks.valueBackdrop]] as const) {
      expect(b, `something is painted behind the primary ${what}`).not.toBeNull();
      expect(b!.image, `the primary ${what} sits on the strip image itself`).toBe(false);
      expect(b!.alphaOk, `the backdrop of the primary ${what} is see-through (${b!.color})`).toBe(true);
      expect(b!.color).toBe(looks.background);
    }
    expect(contrast(looks.labelColor, looks.background), "label contrast").toBeGreaterThanOrEqual(4.5);
    expect(contrast(looks.valueColor, looks.background), "value contrast").toBeGreaterThanOrEqual(looks.valueSize >= 24 ? 3 : 4.5);
    await preview.screenshot({ path: `${testInfo.outputDir}/preview-${type}.png` });
    await screenshot(page, testInfo, `pass-front-${type}`);
  }
});

test("replay says beforehand what it will and will not change", async ({ page }, testInfo) => {
  const tenant = await createSpecTenant("e2e-hints");
  await signIn(page, "OPERATOR");
  const key = await createKeyInConsole(page, tenant, "e2e hints");
  for (const colour of ["teal", "navy", "plum"]) await pushUpdate(page, tenant, key, { favouriteColour: colour });
  await waitForTasks(page, tenant, 3);

  // a final error: the task page says the cause must be fixed first, and what to fix
  await page.getByTestId("task-row").first().getByRole("link").first().click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("FAILED");
  const hint = page.getByTestId("replay-hint");
  await expect(hint).toContainText("invalid_field_value is final");
  await expect(hint).toContainText("fails again the same way");
  await expect(hint).toContainText("favouriteColour");
  await expect(hint).toContainText(/field definitions|Klaviyo flow/);
  await screenshot(page, testInfo, "replay-hint-final");
  await page.getByRole("button", { name: "Replay", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("FAILED", { timeout: 60_000 });
  await expect(page.getByText("Replay of")).toBeVisible();

  // the list: 4 FAILED rows (3 + the replay), 1 of them already replayed and left out of a bulk replay
  await page.goto(`/tasks?tenant=${tenant}&status=FAILED`);
  await expect(page.getByTestId("task-row")).toHaveCount(4);
  // the per-row button warns too
  await expect(page.getByTestId("task-row").first().getByRole("button", { name: "Replay" })).toHaveAttribute("title", /final.*fix/i);
  await page.getByRole("button", { name: /Replay failed tasks matching these filters/ }).click();
  const plan = page.getByTestId("replay-count");
  await expect(plan).toContainText("4 failed tasks match these filters");
  await expect(plan).toContainText("1 of them was already replayed and is excluded");
  await expect(plan).toContainText("Replay 3 failed tasks");
  await expect(page.getByTestId("replay-final-warning")).toContainText("invalid_field_value");
  await expect(page.getByTestId("replay-final-warning")).toContainText(/fail again/);
  await expect(page.getByRole("button", { name: "Replay 3 tasks" })).toBeVisible();
  await screenshot(page, testInfo, "replay-hint-bulk");
  await page.getByRole("button", { name: "Cancel" }).click();
});
