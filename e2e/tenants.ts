/**
 * Tenants of a spec's own. Specs that change a tenant (API keys, integration settings, pass data,
 * customers) work on a fresh copy of the demo tenant instead of the shared `demo` one, so the
 * seeded demo stays as it is for the other specs and for the next run on the same database.
 */
import { DATA_DIR } from "./fixtures";

/**
 * Creates a tenant set up like `demo` (loyaltyNumber, starter pass types, the demo customers
 * Jane, John and Ana with their passes) under a slug no other run uses, in the e2e server's
 * database (DATABASE_URL, or the embedded one `e2e/serve.ts` runs), and returns its slug.
 */
export async function createSpecTenant(prefix: string): Promise<string> {
  // the server's data directory: the same embedded database and development secrets as `serve.ts`
  process.env.PASSFLOW_DATA_DIR = DATA_DIR;
  const { resolveDatabase } = await import("../server/db/url");
  const { closeDb } = await import("../server/db/client");
  const { seedDemoLikeTenant } = await import("../server/tooling/seed");
  const slug = `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const database = await resolveDatabase();
  try {
    await seedDemoLikeTenant(slug, { name: `Demo Coffee (${prefix})`, actor: "e2e" });
  } finally {
    await closeDb();
    await database.release(); // stops nothing: the database belongs to the server
  }
  return slug;
}
