/**
 * How many app processes `npm start` runs on its port (server/start.ts): PASSFLOW_WORKERS, else one per
 * core in production (`os.availableParallelism()`), else 1.
 */
import { availableParallelism } from "node:os";
import type { Env } from "./env";

/** The number of app processes for `env` (≥ 1); `cores` defaults to this machine's. */
export function workerCount(env: Pick<Env, "PASSFLOW_WORKERS" | "NODE_ENV">, cores: number = availableParallelism()): number {
  return env.PASSFLOW_WORKERS ?? (env.NODE_ENV === "production" ? Math.max(1, cores) : 1);
}
