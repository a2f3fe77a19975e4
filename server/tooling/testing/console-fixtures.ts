/**
 * Test fixtures for the console: a tenant with a pass, a webhook receipt with a failed and a
 * succeeded task, a pass change, an API key, and one staff member per role. Unique per call.
 */
import type { StaffRole } from "@prisma/client";
import { db } from "@/server/db/client";
import { createTenant } from "@/server/tenants/tenants";
import { createApiKey, KLAVIYO_LISTENER_SCOPE } from "@/server/tenants/api-keys";
import { issuePass } from "@/server/passes/passes";
import { createStaff, type StaffIdentity } from "@/server/staff/staff";
import { uniqueSlug } from "./cli";

export const TEST_PASSWORD = "correct horse battery staple";

export interface ConsoleFixtures {
  tenant: { id: string; slug: string };
  serialNumber: string;
  passId: string;
  customerId: string;
  receiptId: string;
  failedTaskId: string;
  succeededTaskId: string;
  apiKeyPrefix: string;
  staff: Record<StaffRole, StaffIdentity>;
}

/** Creates the fixtures; `phone` is stored normalized (+1 415 555 …). */
export async function createConsoleFixtures(opts: { phone?: string } = {}): Promise<ConsoleFixtures> {
  const slug = uniqueSlug("console");
  const tenant = await createTenant({ slug, name: `Console ${slug}`, customIdentifierKeys: ["loyaltyNumber"], actor: "test" });
  const email = `${slug}@example.com`;
  const { serialNumber } = await issuePass({
    tenant: slug,
    passType: "basic",
    identifiers: { email, phone: opts.phone ?? "+1 415 555 0123", customerId: `C-${slug}`, loyaltyNumber: `LN-${slug}` },
    data: { memberName: "Test Member", points: 10 },
  });
  const pass = await db().pass.findUniqueOrThrow({ where: { serialNumber }, select: { id: true, customerRecordId: true } });
  const correlationId = `corr-${slug}`;
  const receipt = await db().webhookReceipt.create({
    data: {
      tenantId: tenant.id,
      endpoint: "PASS_PUSH_UPDATE",
      correlationId,
      headers: { "content-type": "application/json", authorization: "Bearer pf_secret_value", "x-api-key": "pf_other_secret" },
      rawBody: JSON.stringify({ identifiers: { email }, additionalData: { points: "20" } }),
      responseStatus: 200,
    },
  });
  const input = { identifiers: { email }, passType: null, additionalData: { points: "20" }, updateMetadata: false };
  const failed = await db().syncTask.create({
    data: {
      tenantId: tenant.id,
      receiptId: receipt.id,
      kind: "PASS_UPDATE",
      status: "FAILED",
      attempts: 3,
      errorCode: "merchant_sync_failed",
      lastError: "merchant answered 500",
      correlationId,
      input,
      passId: pass.id,
      startedAt: new Date(),
      finishedAt: new Date(),
    },
  });
  const succeeded = await db().syncTask.create({
    data: { tenantId: tenant.id, receiptId: receipt.id, kind: "PASS_UPDATE", status: "SUCCEEDED", attempts: 1, correlationId, input, passId: pass.id, startedAt: new Date(), finishedAt: new Date() },
  });
  await db().passChange.create({ data: { passId: pass.id, taskId: succeeded.id, versionTag: 1n, changes: { points: { before: 10, after: 20 } } } });
  const key = await createApiKey({ tenant: slug, name: "fixture", scopes: [KLAVIYO_LISTENER_SCOPE], actor: "test" });
  const staff = {} as Record<StaffRole, StaffIdentity>;
  for (const role of ["VIEWER", "OPERATOR", "ADMIN"] as const) {
    const s = await createStaff({ email: `${role.toLowerCase()}-${slug}@staff.example.com`, role, password: TEST_PASSWORD, actor: "test" });
    staff[role] = { id: s.id, email: s.email, name: s.name, role: s.role };
  }
  return {
    tenant: { id: tenant.id, slug },
    serialNumber,
    passId: pass.id,
    customerId: pass.customerRecordId,
    receiptId: receipt.id,
    failedTaskId: failed.id,
    succeededTaskId: succeeded.id,
    apiKeyPrefix: key.prefix,
    staff,
  };
}
