/**
 * Tenants of a spec's own. Specs that change a tenant (API keys, integration settings, pass data,
 * customers) work on a fresh copy of the demo tenant instead of the shared `demo` one, so the
 * seeded demo stays as it is for the other specs and for the next run on the same database.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const ROOT = path.resolve(__dirname, "..");

/**
 * Creates a tenant set up like `demo` (loyaltyNumber, starter pass types, the demo customers
 * Jane, John and Ana with their passes) under a slug no other run uses, in the e2e server's
 * database (e2e/seed-tenant.ts), and returns its slug.
 */
export async function createSpecTenant(prefix: string): Promise<string> {
  const slug = `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const tsx = path.join(ROOT, "node_modules/tsx/dist/cli.mjs");
  await promisify(execFile)(process.execPath, [tsx, path.join(ROOT, "e2e/seed-tenant.ts"), slug, `Demo Coffee (${prefix})`], { cwd: ROOT, env: process.env });
  return slug;
}

/**
 * Runs the CLI (`npm run cli -- …`) against the e2e server's database and development secrets
 * (as `createSpecTenant` does) and returns its stdout.
 */
export async function runCliForSpec(args: string[]): Promise<string> {
  const tsx = path.join(ROOT, "node_modules/tsx/dist/cli.mjs");
  const { DATA_DIR } = await import("./fixtures");
  const { stdout } = await promisify(execFile)(process.execPath, [tsx, path.join(ROOT, "server/cli/main.ts"), ...args], { cwd: ROOT, env: { ...process.env, PASSFLOW_DATA_DIR: DATA_DIR } });
  return stdout;
}
