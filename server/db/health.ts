/** Liveness and readiness for load balancers and `npm run dev`. */
import { db } from "./client";
import { pendingMigrations } from "./migrate";

export interface Readiness {
  status: "ready" | "unavailable";
  database: "ok" | "unreachable";
  pendingMigrations: string[];
}

/** Ready when the database answers and every shipped migration is applied. Never throws. */
export async function readiness(): Promise<Readiness> {
  try {
    await db().$queryRaw`SELECT 1`;
  } catch {
    return { status: "unavailable", database: "unreachable", pendingMigrations: [] };
  }
  const pending = await pendingMigrations(db());
  return { status: pending.length ? "unavailable" : "ready", database: "ok", pendingMigrations: pending };
}
