/**
 * `tsx e2e/seed-tenant.ts <slug> <name>`: creates a tenant set up like `demo` in the e2e server's
 * database (DATABASE_URL, or the embedded one `serve.ts` runs in the e2e data directory). Run by
 * `createSpecTenant` (e2e/tenants.ts) in a child process, as `serve.ts` runs, so the server code
 * loads the way it does there (tsx) and the spec's worker holds no database connection.
 */
import { DATA_DIR } from "./fixtures";

async function main() {
  const [slug, name] = process.argv.slice(2);
  if (!slug || !name) throw new Error("usage: tsx e2e/seed-tenant.ts <slug> <name>");
  process.env.PASSFLOW_DATA_DIR = DATA_DIR; // the same embedded database and development secrets as the server
  const { resolveDatabase } = await import("../server/db/url");
  const { closeDb } = await import("../server/db/client");
  const { seedDemoLikeTenant } = await import("@/server/tooling/seed");
  const database = await resolveDatabase();
  try {
    await seedDemoLikeTenant(slug, { name, actor: "e2e" });
  } finally {
    await closeDb();
    await database.release(); // stops nothing when the database belongs to the server
  }
}

main().catch((err: unknown) => {
  console.error(`seed-tenant: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
