/**
 * Test helper: a migrated database of its own, for a test that runs its own app with its own
 * embedded executor (one executor per database: inngest/executor/executor.ts). On the run's
 * PostgreSQL server when there is one, else a throwaway embedded PostgreSQL.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, inject } from "vitest";
import pg from "pg";
import { migrateDeploy } from "@/server/db/migrate";
import { startEmbeddedPostgres } from "@/server/db/embedded";
import { closeDb } from "@/server/db/client";

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function scratchDatabase(): Promise<ScratchDatabase> {
  if (inject("databaseEmbedded")) {
    const embedded = await startEmbeddedPostgres({ dataDir: "memory://" });
    await migrateDeploy(embedded.url);
    return { url: embedded.url, drop: () => embedded.stop() };
  }
  const base = new URL(inject("databaseUrl"));
  const name = `passflow_scratch_${randomBytes(4).toString("hex")}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: base.toString() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  await migrateDeploy(url.toString());
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/**
 * Gives the test file (or describe block) a scratch database of its own: before its tests this
 * process's database client points at it, afterwards back at the run's database, and it is
 * dropped. Register the file's own afterAll hooks (stopping the apps that use it) after calling
 * this: Vitest runs after-hooks in reverse order, so they run before the drop.
 * @returns the scratch database's `url` (readable once the beforeAll hook has run)
 */
export function scratchDatabaseForTests(): { readonly url: string } {
  let scratch: ScratchDatabase | undefined;
  let runUrl: string | undefined;
  beforeAll(async () => {
    scratch = await scratchDatabase();
    await closeDb();
    runUrl = process.env.DATABASE_URL;
    process.env.DATABASE_URL = scratch.url;
  });
  afterAll(async () => {
    await closeDb();
    process.env.DATABASE_URL = runUrl;
    await scratch?.drop();
  });
  return {
    get url() {
      if (!scratch) throw new Error("the scratch database is made in beforeAll: read its url inside hooks and tests");
      return scratch.url;
    },
  };
}
