/**
 * Fresh demo credentials for each `npm run dev`: a new random password for the demo admin and a
 * new API key (the previous dev key is revoked). Both are printed once and only their hashes
 * are stored.
 */
import { db } from "@/server/db/client";
import { createApiKey, KLAVIYO_LISTENER_SCOPE } from "@/server/tenants/api-keys";
import { createStaff } from "@/server/staff/staff";
import { DEMO_ADMIN_EMAIL, DEMO_TENANT, generatePassword, seedDemo } from "@/server/tooling/seed";

const DEV_KEY_NAME = "npm run dev";

/**
 * `seededPassword`: the password `seedDemo` gave the demo admin in this same start (a fresh
 * database), kept as it is, so a first start writes one `staff.upsert` audit row, not two.
 */
export async function prepareDemoAccess(seededPassword?: string): Promise<{ email: string; password: string; apiKey: string }> {
  const password = seededPassword ?? generatePassword();
  if (!seededPassword) await createStaff({ email: DEMO_ADMIN_EMAIL, name: "Demo Admin", role: "ADMIN", password, actor: "system", upsert: true });
  const tenant = await db().tenant.findUniqueOrThrow({ where: { slug: DEMO_TENANT } });
  await db().apiKey.updateMany({ where: { tenantId: tenant.id, name: DEV_KEY_NAME, revokedAt: null }, data: { revokedAt: new Date() } });
  const key = await createApiKey({ tenant: DEMO_TENANT, name: DEV_KEY_NAME, scopes: [KLAVIYO_LISTENER_SCOPE], actor: "system" });
  return { email: DEMO_ADMIN_EMAIL, password, apiKey: key.key };
}

/** What each `npm run dev` does to the database before Next.js starts: the demo tenant when absent, then fresh demo credentials. */
export async function seedForDevelopment(): Promise<{ email: string; password: string; apiKey: string }> {
  const seeded = await seedDemo();
  return prepareDemoAccess(seeded.admin.password);
}
