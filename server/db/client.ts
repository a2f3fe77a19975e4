/**
 * The Prisma client of this process: PostgreSQL through the `pg` driver adapter (the same code path
 * for a real server and the embedded PGlite). One client per process, kept on globalThis so
 * Next.js hot reloads do not open new pools.
 */
import { PrismaClient } from "@prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import { env } from "../env";
import { patchPgGlobally } from "./pg-patch";
import { pgConfigFromUrl } from "./pg-config";

patchPgGlobally();

export type Db = PrismaClient;

/** Creates a client for `url` (`max` pool connections). Callers own `$disconnect()`. */
export function createDb(url: string, max = env.DATABASE_POOL_SIZE): PrismaClient {
  const adapter = new PrismaPg({ ...pgConfigFromUrl(url, max), idleTimeoutMillis: 10_000 });
  return new PrismaClient({ adapter, log: env.DEBUG_SQL ? ["query", "warn", "error"] : ["warn", "error"] });
}

const globalForDb = globalThis as unknown as { passflowDb?: PrismaClient };

/**
 * The process-wide client for DATABASE_URL. Entry points that use the embedded default set
 * DATABASE_URL (see `server/db/url.ts`) before the first call.
 */
export function db(): PrismaClient {
  if (!globalForDb.passflowDb) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set and no embedded database was started");
    globalForDb.passflowDb = createDb(url);
  }
  return globalForDb.passflowDb;
}

/** Closes the process-wide client (CLI and scripts call this before exiting). */
export async function closeDb(): Promise<void> {
  const client = globalForDb.passflowDb;
  globalForDb.passflowDb = undefined;
  if (client) await client.$disconnect();
}
