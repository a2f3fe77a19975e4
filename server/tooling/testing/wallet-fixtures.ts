/** Test fixtures: a fresh tenant with an issued pass, as the web service's devices see it. */
import { createTenant } from "@/server/tenants/tenants";
import { issuePass, showPass } from "@/server/passes/passes";
import { db } from "@/server/db/client";
import { uniqueSlug } from "./cli";
import type { InstalledPass } from "./wallet-device";

export interface PassFixture extends InstalledPass {
  tenant: string;
  tenantId: string;
  passId: string;
}

/** A new tenant (starter pass types) and `count` passes of `passType` for different customers. */
export async function tenantWithPasses(count = 1, passType = "basic", data: Record<string, unknown> = { points: 100, memberName: "Jane Doe" }): Promise<PassFixture[]> {
  const slug = uniqueSlug("w");
  const tenant = await createTenant({ slug, name: "Wallet Test Shop", actor: "test" });
  const passes: PassFixture[] = [];
  for (let i = 0; i < count; i++) {
    const { serialNumber } = await issuePass({ tenant: slug, passType, identifiers: { email: `c${i}@example.com`, customerId: `CUST-${i}` }, data });
    const view = await showPass(slug, serialNumber);
    const row = await db().pass.findUniqueOrThrow({ where: { serialNumber }, select: { id: true } });
    passes.push({ tenant: slug, tenantId: tenant.id, passId: row.id, serialNumber, passTypeIdentifier: view.passTypeIdentifier, authenticationToken: view.authenticationToken });
  }
  return passes;
}
