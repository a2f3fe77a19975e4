/**
 * The console over the real pipeline: a webhook sent over HTTP with a key made in the console
 * updates the pass (scenario 2); a profile sync whose merchant sync-back fails is replayed from
 * the console once the merchant answers again, and the replay is audited (scenario 3).
 *
 * Both change the tenant they work on (API keys, merchant settings, pass data, a customer's
 * properties), so each works on a tenant of its own set up like `demo` (e2e/tenants.ts): the
 * shared demo tenant, which console.spec.ts reads, stays as seeded, also for the next run.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type Page } from "@playwright/test";
import { createKeyInConsole, screenshot, signIn } from "./fixtures";
import { createSpecTenant } from "./tenants";
import { readZip } from "@/server/tooling/testing/pkpass-check";

/** Opens the newest task of `tenant` once it reaches `status` (the list refreshes itself). */
async function openNewestTask(page: Page, tenant: string, status: "SUCCEEDED" | "FAILED") {
  await page.goto(`/tasks?tenant=${tenant}`);
  const row = page.getByTestId("task-row").first();
  await expect(row).toContainText(status, { timeout: 60_000 });
  await row.getByRole("link").first().click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(status);
}

test("scenario 2: an OPERATOR's new API key drives a pushUpdate that shows in the pass", async ({ page, request }, testInfo) => {
  const tenant = await createSpecTenant("e2e-push");
  await signIn(page, "OPERATOR");
  const key = await createKeyInConsole(page, tenant, "e2e pushUpdate");
  await screenshot(page, testInfo, "api-key-created");

  const res = await request.post(`/api/${tenant}/webhooks/listeners/klaviyo/passes/pushUpdate`, {
    headers: { authorization: `Bearer ${key}` },
    data: { identifiers: { email: "jane.doe@example.com" }, passType: null, additionalData: { points: "1250" }, updateMetadata: false },
  });
  expect(res.status()).toBe(200);
  const correlationId = res.headers()["x-correlation-id"]!;
  expect(correlationId).toBeTruthy();

  await openNewestTask(page, tenant, "SUCCEEDED");
  await expect(page.getByText(correlationId)).toBeVisible();
  await screenshot(page, testInfo, "task-succeeded");
  await page.getByRole("link", { name: /^[0-9a-f-]{36}$/ }).first().click(); // the pass
  await expect(page.getByTestId("preview-field-points")).toContainText("1,250");
  await expect(page.getByTestId("pass-timeline")).toContainText("points: 980 → 1250");
  await expect(page.getByTestId("pass-timeline")).toContainText(correlationId);
  await screenshot(page, testInfo, "pass-updated");

  // the current .pkpass, downloaded from the console, carries the new points
  const href = (await page.getByRole("link", { name: "Download .pkpass" }).getAttribute("href"))!;
  const file = await page.request.get(href);
  expect(file.status()).toBe(200);
  expect(file.headers()["content-type"]).toBe("application/vnd.apple.pkpass");
  expect(file.headers()["content-disposition"]).toMatch(/^attachment; filename=".+\.pkpass"$/);
  const passJson = JSON.parse(readZip(await file.body()).get("pass.json")!.toString("utf8")) as { storeCard: Record<string, { key: string; value: unknown }[]> };
  const fields = Object.values(passJson.storeCard).flat();
  expect(fields.find((f) => f.key === "points")?.value).toBe(1250);
});

test("scenario 3: a failed merchant sync-back is replayed from the console and audited", async ({ page, request }, testInfo) => {
  let answer = 500;
  const received: string[] = [];
  const merchant = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      received.push(body);
      res.writeHead(answer, { "content-type": "application/json" }).end(answer === 200 ? "{}" : '{"error":"down"}');
    });
  });
  await new Promise<void>((r) => merchant.listen(0, "127.0.0.1", r));
  const merchantUrl = `http://127.0.0.1:${(merchant.address() as AddressInfo).port}/passflow`;
  try {
    const tenant = await createSpecTenant("e2e-sync");
    await signIn(page, "OPERATOR");
    await page.goto(`/tenants/${tenant}`);
    const settings = page.getByTestId("integration-settings");
    await settings.getByLabel(/Merchant sync-back URL/).fill(merchantUrl);
    await settings.getByLabel(/New merchant sync secret/).fill(`whsec_${randomBytes(32).toString("base64")}`);
    await settings.getByRole("button", { name: "Save settings" }).click();
    await expect(settings.getByText("Saved.")).toBeVisible();
    const key = await createKeyInConsole(page, tenant, "e2e profile sync");

    const res = await request.post(`/api/${tenant}/webhooks/listeners/klaviyo/profiles/sync`, {
      headers: { authorization: `Bearer ${key}` },
      data: { email: "john.smith@example.com", phone_number: null, properties: { favoriteDrink: "flat white" } },
    });
    expect(res.status()).toBe(202);

    await openNewestTask(page, tenant, "FAILED");
    await expect(page.getByTestId("task-error")).toContainText(/500/);
    expect(received.length).toBeGreaterThan(0);
    await screenshot(page, testInfo, "task-failed");

    answer = 200;
    await page.getByRole("button", { name: "Replay", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("SUCCEEDED", { timeout: 60_000 });
    await expect(page.getByText("Replay of")).toBeVisible();
    await screenshot(page, testInfo, "task-replayed");

    await page.goto("/audit?action=task.replay");
    const entry = page.getByTestId("audit-row").first();
    await expect(entry).toContainText("operator@e2e.passflow.dev");
    await expect(entry).toContainText("task.replay");
    await screenshot(page, testInfo, "audit-replay");
  } finally {
    merchant.close();
  }
});
