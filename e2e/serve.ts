/**
 * The e2e web server (Playwright's `webServer`): the database (DATABASE_URL, or a fresh embedded
 * PostgreSQL owned by this process), migrations, the demo tenant and the e2e staff, a production
 * build in `.next-e2e` (E2E_REUSE_BUILD=1 keeps an existing one), then `next start`.
 * SIGTERM/SIGINT stop Next.js and the embedded database.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ARTIFACTS, DATA_DIR, E2E_PORT, BASE_URL, PUBLIC_URL, STAFF } from "./fixtures";

const ROOT = path.resolve(__dirname, "..");
const DIST = ".next-e2e";

async function main() {
  if (!process.env.DATABASE_URL) rmSync(DATA_DIR, { recursive: true, force: true }); // a fresh embedded database per run
  process.env.PASSFLOW_DATA_DIR = DATA_DIR;
  const { resolveDatabase } = await import("../server/db/url");
  const { migrateDeploy } = await import("../server/db/migrate");
  const { closeDb } = await import("../server/db/client");
  const { seedDemo } = await import("@/server/tooling/seed");
  const { createStaff } = await import("@/server/staff/staff");
  const { devSecrets } = await import("@/server/platform/data-dir");
  const { createApiKey, KLAVIYO_LISTENER_SCOPE } = await import("../server/tenants/api-keys");

  const database = await resolveDatabase();
  await migrateDeploy(database.url);
  const seeded = await seedDemo({ actor: "e2e" });
  if (seeded.created) await createApiKey({ tenant: seeded.tenant, name: "e2e seed", scopes: [KLAVIYO_LISTENER_SCOPE], actor: "e2e" });
  for (const [role, login] of Object.entries(STAFF)) {
    await createStaff({ email: login.email, name: `E2E ${role.toLowerCase()}`, role, password: login.password, actor: "e2e", upsert: true });
  }
  await closeDb();

  // Next.js adds its build folder's types to the tsconfig it uses: give it one of its own.
  mkdirSync(ARTIFACTS, { recursive: true });
  const tsconfig = path.join(ARTIFACTS, "tsconfig.json");
  writeFileSync(tsconfig, JSON.stringify({ extends: "../../tsconfig.json" }));
  const secrets = devSecrets();
  const env = {
    ...process.env,
    NODE_ENV: "production" as const,
    NEXT_TELEMETRY_DISABLED: "1",
    NEXT_DIST_DIR: DIST,
    NEXT_TSCONFIG_PATH: path.relative(ROOT, tsconfig),
    DATABASE_URL: database.url,
    PASSFLOW_DATA_DIR: DATA_DIR,
    PORT: String(E2E_PORT),
    // what phones reach (pass webServiceURL): production refuses http://, and the browser reaches BASE_URL
    PUBLIC_URL: PUBLIC_URL,
    NEXTAUTH_URL: BASE_URL,
    NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? secrets.nextAuthSecret,
    PASSFLOW_ENCRYPTION_KEY: process.env.PASSFLOW_ENCRYPTION_KEY ?? secrets.encryptionKey,
    // retries of the embedded executor a tenth as far apart, so a failing task ends FAILED within seconds
    PASSFLOW_EXECUTOR_RETRY_BASE_MS: process.env.PASSFLOW_EXECUTOR_RETRY_BASE_MS ?? "100",
    // a production build, but passes still sign with generated development chains (no Apple certificate here)
    PASSFLOW_DEV_CERTIFICATES: "true",
  };
  const nextBin = path.join(ROOT, "node_modules/next/dist/bin/next");
  if (!(process.env.E2E_REUSE_BUILD === "1" && existsSync(path.join(ROOT, DIST, "BUILD_ID")))) {
    const build = spawnSync(process.execPath, [nextBin, "build"], { cwd: ROOT, env, stdio: "inherit" });
    if (build.status !== 0) throw new Error(`next build failed (exit ${build.status})`);
  }
  const child = spawn(process.execPath, [nextBin, "start", "--port", String(E2E_PORT), "--hostname", "127.0.0.1"], { cwd: ROOT, env, stdio: "inherit" });
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    child.kill("SIGTERM");
    if (child.exitCode === null) await new Promise((r) => child.once("exit", r));
    await database.release();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  child.on("exit", (code) => void stop(code ?? 1));
}

main().catch((err: unknown) => {
  console.error(`e2e server: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
