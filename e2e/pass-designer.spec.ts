/**
 * The pass type editor in a real browser (issue 14): an OPERATOR creates a pass type on a tenant
 * of the spec's own, uploads an icon (a wrong size first: the error shows beside it), adds a
 * field (a wrong default first), sees the preview show its label and default, front and back and
 * in a second language, creates the type, saves a revision and publishes it; the revision list and
 * the pass type list show the published revision. A VIEWER sees the editor read-only.
 */
import { writeFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { PNG } from "pngjs";
import superjson from "superjson";
import { screenshot, signIn } from "./fixtures";
import { createSpecTenant } from "./tenants";

/** A PNG of `width`×`height` in one color. */
function png(width: number, height: number): Buffer {
  const img = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) img.data.set([16, 122, 122, 255], i * 4);
  return PNG.sync.write(img);
}

test.describe.configure({ mode: "serial" });

let tenant = "";
test.beforeAll(async () => {
  tenant = await createSpecTenant("designer");
});

test("an OPERATOR creates a pass type, uploads an icon, adds a field, previews, saves and publishes", async ({ page }, testInfo) => {
  await signIn(page, "OPERATOR");
  await page.goto(`/tenants/${tenant}/pass-types`);
  await expect(page.getByTestId("pass-type-row-basic")).toContainText("revision 1");
  await page.getByRole("button", { name: "New pass type" }).click();
  const form = page.getByTestId("new-pass-type");
  await form.getByLabel("Key").fill("giftcard");
  await form.getByLabel("Name").fill("Gift card");
  await form.getByRole("button", { name: "Design it" }).click();
  await expect(page.getByRole("heading", { name: "New pass type giftcard" })).toBeVisible();

  // a new type has no icon yet: the check says so beside the icon input
  const iconError = page.getByTestId("error-images.icon.png");
  await expect(iconError).toContainText("an icon is required");
  const icon = page.getByLabel("icon.png", { exact: true });
  const wrong = testInfo.outputPath("icon-30x30.png");
  writeFileSync(wrong, png(30, 30));
  await icon.setInputFiles(wrong);
  await expect(iconError).toContainText("is 30×30 px; Apple's icon at @1x is 29×29 px");
  await screenshot(page, testInfo, "designer-icon-wrong-size");
  const right = testInfo.outputPath("icon-29x29.png");
  writeFileSync(right, png(29, 29));
  await icon.setInputFiles(right);
  await expect(iconError).toHaveCount(0);
  await expect(page.getByTestId("image-icon.png").getByRole("img")).toBeVisible();

  // a field: a number whose default is not one, then fixed; the preview shows its label and default
  await page.getByRole("button", { name: "Add field" }).click();
  const row = page.getByTestId("field-row-0");
  await row.getByLabel("Key", { exact: true }).fill("balance");
  await row.getByLabel("Label", { exact: true }).fill("Balance");
  await row.getByRole("combobox", { name: "Type", exact: true }).selectOption("number");
  await row.getByRole("combobox", { name: "Slot", exact: true }).selectOption("primaryFields");
  await row.getByLabel("Default", { exact: true }).fill("lots");
  await expect(row.getByTestId("error-fields[0].default")).toBeVisible();
  await row.getByLabel("Default", { exact: true }).fill("1250");
  await expect(row.getByTestId("error-fields[0].default")).toHaveCount(0);
  const preview = page.getByTestId("pass-preview");
  const field = preview.getByTestId("preview-field-balance");
  await expect(field.getByTestId("field-label")).toHaveText("Balance");
  await expect(field.getByTestId("field-value")).toHaveText("1,250");
  await expect(page.getByTestId("preview-panel").getByText("valid", { exact: true })).toBeVisible();

  await page.getByRole("button", { name: "Create pass type" }).click();
  await expect(page.getByTestId("editor-notice")).toHaveText("Created giftcard: revision 1, published.");
  await expect(page.getByTestId("revision-1")).toContainText("published");
  await expect(page.getByRole("heading", { level: 1, name: "Gift card" })).toBeVisible(); // the page now shows the type

  // revision 2: a new label, a back field, and French
  await row.getByLabel("Label", { exact: true }).fill("Gift balance");
  await expect(field.getByTestId("field-label")).toHaveText("Gift balance");
  await page.getByRole("button", { name: "Add field" }).click();
  const terms = page.getByTestId("field-row-1");
  await terms.getByLabel("Key", { exact: true }).fill("terms");
  await terms.getByLabel("Label", { exact: true }).fill("Terms");
  await terms.getByRole("combobox", { name: "Slot", exact: true }).selectOption("backFields");
  await terms.getByLabel("Default", { exact: true }).fill("No cash value");
  await page.getByRole("button", { name: "back", exact: true }).click();
  await expect(page.getByTestId("preview-back-terms")).toContainText("No cash value");
  await page.getByRole("button", { name: "front", exact: true }).click();
  await page.getByLabel("New language").fill("fr");
  await page.getByRole("button", { name: "Add language" }).click();
  await page.getByTestId("languages-section").getByLabel("Gift balance", { exact: true }).fill("Solde cadeau");
  await page.getByLabel("Preview language").selectOption("fr");
  await expect(field.getByTestId("field-label")).toHaveText("Solde cadeau");
  await page.getByLabel("Preview language").selectOption("");
  await expect(field.getByTestId("field-label")).toHaveText("Gift balance");

  // a store nearby: a latitude off the globe is refused beside it
  await page.getByRole("button", { name: "Add location" }).click();
  const location = page.getByTestId("location-row-0");
  await location.getByLabel("Latitude", { exact: true }).fill("100");
  await location.getByLabel("Longitude", { exact: true }).fill("2.35");
  await expect(location.getByTestId("error-locations[0].latitude")).toBeVisible();
  await location.getByLabel("Latitude", { exact: true }).fill("48.85");
  await location.getByLabel("Relevant text", { exact: true }).fill("Our Paris shop is nearby");
  await expect(location.getByTestId("error-locations[0].latitude")).toHaveCount(0);

  await page.getByLabel("What changed (optional)").fill("gift balance, terms, French");
  await page.getByRole("button", { name: "Save revision" }).click();
  await expect(page.getByTestId("editor-notice")).toHaveText("Saved revision 2 (not published yet).");
  const revision2 = page.getByTestId("revision-2");
  await expect(revision2).toContainText("gift balance, terms, French");
  await expect(revision2).not.toContainText("published");
  await screenshot(page, testInfo, "designer-revision-2");
  await revision2.getByRole("button", { name: "Publish revision 2" }).click();
  await expect(page.getByTestId("editor-notice")).toHaveText("Published revision 2: 0 live passes updated.");
  await expect(revision2).toContainText("published");
  await expect(page.getByTestId("revision-1")).not.toContainText("published");

  // revision 1 previews as it was
  await page.getByRole("button", { name: "Preview revision 1" }).click();
  await expect(field.getByTestId("field-label")).toHaveText("Balance");

  await page.goto(`/tenants/${tenant}/pass-types`);
  await expect(page.getByTestId("pass-type-row-giftcard")).toContainText("Gift card");
  await expect(page.getByTestId("pass-type-row-giftcard").getByTestId("published-revision")).toHaveText("revision 2");
});

test("a VIEWER sees the editor read-only: no save or publish, and a direct save is refused", async ({ page }, testInfo) => {
  await signIn(page, "VIEWER");
  await page.goto(`/tenants/${tenant}/pass-types`);
  await expect(page.getByRole("button", { name: "New pass type" })).toHaveCount(0);
  await page.getByTestId("pass-type-row-giftcard").getByRole("link").click();
  await expect(page.getByRole("heading", { name: "Gift card" })).toBeVisible();
  await expect(page.getByTestId("pass-preview").getByTestId("preview-field-balance")).toContainText("Gift balance");
  await expect(page.getByTestId("field-row-0").getByLabel("Key", { exact: true })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Add field" })).toBeDisabled();
  await expect(page.getByRole("button", { name: /Save revision|Create pass type|Publish/ })).toHaveCount(0);
  await expect(page.getByTestId("revision-2")).toContainText("published");
  await page.getByRole("button", { name: "back", exact: true }).click();
  await expect(page.getByTestId("preview-back-terms")).toContainText("No cash value");
  await screenshot(page, testInfo, "designer-viewer");

  const refused = await page.request.post(`/api/trpc/passTypes.save`, {
    data: superjson.serialize({ tenant, key: "giftcard", definition: {} }),
    headers: { "content-type": "application/json" },
  });
  expect(refused.status()).toBe(403);
});
