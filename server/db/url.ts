/**
 * Resolves the database for an entry point (CLI, `npm run dev`, tests): DATABASE_URL when set,
 * otherwise the embedded PostgreSQL under the data directory (started in this process if no
 * other process serves it). Sets `process.env.DATABASE_URL` so `db()` and child processes use it.
 */
import path from "node:path";
import { env } from "@/server/platform/env";
import { dataDir } from "@/server/platform/data-dir";
import { connectEmbeddedPostgres, type EmbeddedPostgres } from "./embedded";

export interface ResolvedDatabase {
  url: string;
  embedded: EmbeddedPostgres | undefined;
  /** Stops the embedded server if this process owns it. */
  release(): Promise<void>;
}

export async function resolveDatabase(opts: { port?: number } = {}): Promise<ResolvedDatabase> {
  if (env.DATABASE_URL) {
    process.env.DATABASE_URL = env.DATABASE_URL;
    return { url: env.DATABASE_URL, embedded: undefined, release: async () => {} };
  }
  const embedded = await connectEmbeddedPostgres(path.join(dataDir(), "postgres"), opts.port);
  process.env.DATABASE_URL = embedded.url;
  return { url: embedded.url, embedded, release: () => embedded.stop() };
}
