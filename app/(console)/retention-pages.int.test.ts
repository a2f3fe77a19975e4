/**
 * What the console shows of retention, over HTTP from the running app as a VIEWER: a receipt past
 * its tenant's raw-body period says its body was removed and after how many days, and the
 * overview shows the last retention run with its counts, the tenant page the tenant's settings.
 */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { db } from "@/server/db/client";
import { createStaff } from "@/server/staff/staff";
import { updateTenantSettings } from "@/server/tenants/tenants";
import { purgeTenant } from "@/server/tasks/retention";
import { uniqueSlug } from "@/server/tooling/testing/cli";
import { TEST_PASSWORD } from "@/server/tooling/testing/console-fixtures";
import { TestBrowser } from "@/server/tooling/testing/browser";
import { createTask, pushUpdateInput, testTenant } from "@/server/tooling/testing/tasks";

const appUrl = inject("appUrl");

/** The page's text: tags and React's text separators removed, spaces collapsed. */
async function pageText(b: TestBrowser, path: string): Promise<string> {
  const res = await b.fetch(path);
  expect(res.status).toBe(200);
  return (await res.text()).replace(/<!-- -->/g, "").replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
}

describe("console: retention", () => {
  const b = new TestBrowser(appUrl);
  beforeAll(async () => {
    const email = `${uniqueSlug("ret-viewer")}@staff.example.com`;
    await createStaff({ email, role: "VIEWER", password: TEST_PASSWORD, actor: "test" });
    await b.signIn(email, TEST_PASSWORD);
  });

  it("a receipt past the raw-body period says its body was removed after the tenant's days; the overview shows the run, the tenant page the settings", async () => {
    const tenant = await testTenant();
    await updateTenantSettings(tenant.id, { rawBodyRetentionDays: 7 }, "test");
    const task = await createTask(tenant.id, "PASS_UPDATE", pushUpdateInput({ identifiers: { email: "page-body@example.com" } }), { dispatch: false });
    await db().$executeRaw`UPDATE "WebhookReceipt" SET "createdAt" = now() - interval '8 days' WHERE id = ${task.receiptId}`;
    const kept = await pageText(b, `/receipts/${task.receiptId}`);
    expect(kept).toContain("page-body@example.com");

    const run = await db().retentionRun.create({ data: {} });
    await purgeTenant({ runId: run.id, tenantId: tenant.id });
    const removed = await pageText(b, `/receipts/${task.receiptId}`);
    expect(removed).toContain("Body removed after 7 days (retention)");
    expect(removed).toContain("Headers removed after 7 days (retention)");
    expect(removed).not.toContain("page-body@example.com");
    expect(removed).toContain(task.correlationId);

    // the overview shows the latest run (this one, unless the hourly run started since)
    const overview = await pageText(b, "/");
    expect(overview).toContain("Data retention (last run)");
    const latest = await db().retentionRun.findFirstOrThrow({ orderBy: { startedAt: "desc" } });
    if (latest.id === run.id) expect(overview).toMatch(/Webhook bodies removed 1 /);
    await db().retentionRun.update({ where: { id: run.id }, data: { finishedAt: new Date() } });

    // the tenant page shows the settings
    expect(await pageText(b, `/tenants/${tenant.slug}`)).toMatch(/Webhook bodies and headers 7 days Receipts, tasks, pass changes, pushes 90 days/);
  }, 240_000); // the first request compiles the pages
});
