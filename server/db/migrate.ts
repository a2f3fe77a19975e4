/**
 * Applies `prisma/migrations` with Prisma Migrate (`migrate deploy`, idempotent) using the offline
 * configuration in `prisma.config.ts`, and reports whether a database is up to date.
 */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { PrismaClient } from "@prisma/client";
import { redactDatabaseUrl } from "@/server/platform/pg-config";


/** Raised when migrations cannot be applied; `message` is one line for the operator. */
export class MigrationError extends Error {
  override name = "MigrationError";
}

/** Entry points (npm scripts, `next start`) run from the project root. */
const PROJECT_ROOT = process.cwd();

/** Runs `prisma migrate deploy` against `url`. Resolves with the names of applied migrations. */
export async function migrateDeploy(url: string): Promise<string[]> {
  const cli = createRequire(path.join(PROJECT_ROOT, "package.json")).resolve("prisma/build/index.js");
  const child = spawn(process.execPath, [cli, "migrate", "deploy"], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (out += c.toString()));
  const code: number = await new Promise((resolve) => child.on("close", (c) => resolve(c ?? 1)));
  if (code !== 0) {
    const lines = out.split("\n").map((l) => l.trim()).filter(Boolean);
    const reason =
      lines.find((l) => /^(Error: )?P\d{4}/.test(l)) ??
      lines.find((l) => l.startsWith("Error:")) ??
      lines.filter((l) => !l.startsWith("Loaded Prisma config") && !l.startsWith("warn")).pop() ??
      `prisma migrate deploy exited ${code}`;
    throw new MigrationError(`migration failed on ${redactDatabaseUrl(url)}: ${reason.replace(/^Error:\s*/, "")}`);
  }
  return [...out.matchAll(/└─\s*(\S+)\/\s*$/gm)].map((m) => m[1]!);
}

/** Migration folder names shipped with this build. */
export function expectedMigrations(): string[] {
  return readdirSync(path.join(PROJECT_ROOT, "prisma/migrations"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** Names of shipped migrations not yet applied to the database `client` talks to. */
export async function pendingMigrations(client: PrismaClient): Promise<string[]> {
  const [table] = await client.$queryRaw<{ present: boolean }[]>`SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present`;
  const applied = table?.present
    ? await client.$queryRaw<{ migration_name: string }[]>`
        SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`
    : [];
  const done = new Set(applied.map((r) => r.migration_name));
  return expectedMigrations().filter((m) => !done.has(m));
}
