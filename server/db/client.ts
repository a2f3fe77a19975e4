/**
 * The Prisma client of this process: PostgreSQL through the `pg` driver adapter (the same code path
 * for a real server and the embedded PGlite). One client per process, kept on globalThis so
 * Next.js hot reloads do not open new pools.
 */
import { PrismaClient } from "@prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { env } from "@/server/platform/env";
import { patchPgGlobally } from "./pg-patch";
import { pgConfigFromUrl } from "@/server/platform/pg-config";
import { logger } from "@/server/platform/log";

patchPgGlobally();


const globalForDb = globalThis as unknown as { passflowDb?: PrismaClient; passflowPool?: pg.Pool };

/**
 * The process-wide node-postgres pool for DATABASE_URL, shared by Prisma and by the few hot paths
 * that use plain SQL (webhook acceptance). Entry points using the embedded default set
 * DATABASE_URL (see `server/db/url.ts`) before the first call.
 */
export function pgPool(): pg.Pool {
  if (!globalForDb.passflowPool) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set and no embedded database was started");
    const pool = new pg.Pool({
      ...pgConfigFromUrl(url, env.DATABASE_POOL_SIZE),
      idleTimeoutMillis: 10_000,
      // a database that stops answering fails requests (503 for webhooks) instead of hanging them
      connectionTimeoutMillis: env.DATABASE_QUERY_TIMEOUT_MS,
      query_timeout: env.DATABASE_QUERY_TIMEOUT_MS,
      // no JIT compilation: the app's statements are short, and a plan whose estimate crosses
      // jit_above_cost (the overview's per-tenant lateral scans) spent ~370 ms compiling to run ~90 ms
      options: "-c jit=off",
    });
    pool.on("error", () => {}); // an idle client lost its connection; the pool replaces it
    globalForDb.passflowPool = pool;
  }
  return globalForDb.passflowPool;
}

/** The process-wide Prisma client (over `pgPool()`). */
export function db(): PrismaClient {
  if (!globalForDb.passflowDb) {
    const client = new PrismaClient({
      adapter: new PrismaPg(pgPool()),
      // Prisma's defaults (2 s to start, 5 s to finish) fail interactive transactions that merely
      // queue under load, notably on the embedded database, which runs one transaction at a time;
      // the same limit as for a query keeps a database that stops answering from hanging them
      transactionOptions: { maxWait: env.DATABASE_QUERY_TIMEOUT_MS, timeout: env.DATABASE_QUERY_TIMEOUT_MS },
      log: [
        { emit: "event", level: "warn" },
        { emit: "event", level: "error" },
        ...(env.DEBUG_SQL ? [{ emit: "event", level: "query" } as const] : []),
      ],
    });
    // through the app's logger (JSON, redacted, stderr for the CLI) rather than Prisma's console
    // lines; failed queries also reach their caller as errors, so they are logged at debug only
    const log = logger.child({ component: "prisma" });
    client.$on("warn", (e) => log.warn({ target: e.target }, e.message));
    client.$on("error", (e) => log.debug({ target: e.target }, e.message));
    if (env.DEBUG_SQL) client.$on("query", (e) => log.info({ durationMs: e.duration }, e.query));
    globalForDb.passflowDb = client as unknown as PrismaClient;
  }
  return globalForDb.passflowDb;
}

/** Closes the process-wide client and pool (CLI and scripts call this before exiting). */
export async function closeDb(): Promise<void> {
  const client = globalForDb.passflowDb;
  const pool = globalForDb.passflowPool;
  globalForDb.passflowDb = undefined;
  globalForDb.passflowPool = undefined;
  if (client) await client.$disconnect();
  if (pool) await pool.end();
}
