/**
 * The database pool's metrics, read at scrape time from the process's node-postgres pool (the one
 * Prisma and the plain-SQL hot paths share: ./client.ts).
 */
import { env } from "@/server/platform/env";
import { scrapeGauges } from "@/server/platform/metrics";
import { pgPool } from "./client";

/** Registers `passflow_db_pool_*` (once per process). */
export function registerPoolMetrics(): void {
  scrapeGauges(
    {
      passflow_db_pool_connections: { help: "Open connections of the database pool, by state (idle, busy)", labelNames: ["state"] },
      passflow_db_pool_waiting_requests: { help: "Queries and transactions waiting for a free pooled connection" },
      passflow_db_pool_max_connections: { help: "Connections the pool may open (DATABASE_POOL_SIZE)" },
    },
    (g) => {
      const pool = pgPool();
      g.passflow_db_pool_connections.set({ state: "idle" }, pool.idleCount);
      g.passflow_db_pool_connections.set({ state: "busy" }, pool.totalCount - pool.idleCount);
      g.passflow_db_pool_waiting_requests.set(pool.waitingCount);
      g.passflow_db_pool_max_connections.set(env.DATABASE_POOL_SIZE);
    },
  );
}
