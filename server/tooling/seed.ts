/**
 * The demo data of the embedded default: tenant `demo` (custom identifier `loyaltyNumber`) with
 * its starter pass types, a staff admin and customers with passes. The customers match the
 * Klaviyo request samples in server/klaviyo/samples (jane.doe@example.com, +14155550100,
 * CUST-000042, LN-88-1207). Idempotent: an existing `demo` tenant is left as it is.
 */
import { randomBytes } from "node:crypto";
import { db } from "@/server/db/client";
import { createTenant } from "@/server/tenants/tenants";
import { issuePass } from "@/server/passes/passes";
import { createStaff } from "@/server/staff/staff";

export const DEMO_TENANT = "demo";
export const DEMO_ADMIN_EMAIL = "admin@demo.passflow.dev";

const DEMO_CUSTOMERS = [
  {
    passType: "basic",
    identifiers: { email: "jane.doe@example.com", phone: "+14155550100", customerId: "CUST-000042", loyaltyNumber: "LN-88-1207" },
    data: { memberName: "Jane Doe", points: 980, tier: "Silver" },
  },
  {
    passType: "premium",
    identifiers: { email: "john.smith@example.com", phone: "+14155550101", customerId: "CUST-000043", loyaltyNumber: "LN-88-1208" },
    data: { memberName: "John Smith", points: 5400, tier: "Gold" },
  },
  {
    passType: "basic",
    identifiers: { email: "ana.garcia@example.com", phone: "+34912345678", customerId: "CUST-000044" },
    data: { memberName: "Ana García", points: 120, tier: "Member" },
  },
];

export interface SeedResult {
  created: boolean;
  tenant: string;
  admin: { email: string; password?: string };
  passes: string[];
}

/** A random password meeting the staff policy, for demo logins. */
export function generatePassword(): string {
  return randomBytes(12).toString("base64url");
}

/** Seeds the demo tenant unless it exists. Returns the admin password only when it created it. */
export async function seedDemo(opts: { actor?: string } = {}): Promise<SeedResult> {
  const actor = opts.actor ?? "system";
  const existing = await db().tenant.findUnique({ where: { slug: DEMO_TENANT } });
  if (existing) {
    const passes = await db().pass.findMany({ where: { tenantId: existing.id }, select: { serialNumber: true }, orderBy: { createdAt: "asc" } });
    return { created: false, tenant: DEMO_TENANT, admin: { email: DEMO_ADMIN_EMAIL }, passes: passes.map((p) => p.serialNumber) };
  }
  await createTenant({ slug: DEMO_TENANT, name: "Demo Coffee", customIdentifierKeys: ["loyaltyNumber"], actor });
  const password = generatePassword();
  await createStaff({ email: DEMO_ADMIN_EMAIL, name: "Demo Admin", role: "ADMIN", password, actor, upsert: true });
  const passes = await issueDemoPasses(DEMO_TENANT);
  return { created: true, tenant: DEMO_TENANT, admin: { email: DEMO_ADMIN_EMAIL, password }, passes };
}

/**
 * Creates tenant `slug` set up as the demo tenant (custom identifier `loyaltyNumber`, starter
 * pass types, the demo customers' passes) without staff: a tenant of its own for a test that
 * changes what it touches (the e2e specs), so the shared `demo` tenant stays as seeded.
 * @returns the serial numbers of the passes issued
 */
export async function seedDemoLikeTenant(slug: string, opts: { name?: string; actor?: string } = {}): Promise<string[]> {
  await createTenant({ slug, name: opts.name ?? `Demo Coffee (${slug})`, customIdentifierKeys: ["loyaltyNumber"], actor: opts.actor ?? "system" });
  return issueDemoPasses(slug);
}

/** Issues the demo customers' passes (Jane, John, Ana) in `tenant`, in that order. */
async function issueDemoPasses(tenant: string): Promise<string[]> {
  const passes: string[] = [];
  for (const c of DEMO_CUSTOMERS) {
    const { serialNumber } = await issuePass({ tenant, passType: c.passType, identifiers: c.identifiers, data: c.data });
    passes.push(serialNumber);
  }
  return passes;
}
