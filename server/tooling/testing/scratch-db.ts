/**
 * Test helper: a migrated database of its own, for a test that runs its own app with its own
 * embedded executor (one executor per database: inngest/executor/executor.ts). On the run's
 * PostgreSQL server when there is one, else a throwaway embedded PostgreSQL.
 */
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import pg from "pg";
import { migrateDeploy } from "@/server/db/migrate";
import { startEmbeddedPostgres } from "@/server/db/embedded";

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
