/**
 * Rate limiters (rate-limiter-flexible) shared by the listeners' quotas (server/klaviyo/quota.ts)
 * and console sign-in throttling (server/auth/login-throttle.ts). The store is THROTTLE_STORE: `memory` (one process; the embedded default), `redis` (REDIS_URL)
 * or `postgres` (table `passflow_rate_limits`), both shared across processes and instances. A
 * failing shared store falls back to memory rather than rejecting requests.
 */
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, type RateLimiterAbstract } from "rate-limiter-flexible";
import { Redis } from "ioredis";
import pg from "pg";
import { env } from "./env";
import { pgConfigFromUrl } from "./pg-config";

const WINDOW_SECONDS = 60;

type Store = "memory" | "postgres" | "redis";

/**
 * The configured store. Unset: redis with REDIS_URL, else postgres when `npm start` runs several
 * processes (each would otherwise count alone and let N times the quota through), else memory.
 */
export function throttleStore(): Store {
  return env.THROTTLE_STORE ?? (env.REDIS_URL ? "redis" : (env.PASSFLOW_WORKERS ?? 1) > 1 ? "postgres" : "memory");
}

let redis: Redis | undefined;
let pool: pg.Pool | undefined;
/** Resolves once the PostgreSQL store's table exists (created by the first limiter). */
let tableReady: Promise<void> | undefined;
const limiters = new Map<string, Promise<RateLimiterAbstract>>();

async function createLimiter(scope: string, points: number, duration: number): Promise<RateLimiterAbstract> {
  const base = { points, duration, keyPrefix: `pf:${scope}:${points}` };
  const insuranceLimiter = new RateLimiterMemory(base);
  switch (throttleStore()) {
    case "redis":
      redis ??= new Redis(env.REDIS_URL!, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
      return new RateLimiterRedis({ ...base, storeClient: redis, insuranceLimiter });
    case "postgres": {
      pool ??= new pg.Pool({ ...pgConfigFromUrl(process.env.DATABASE_URL!, 4) });
      const options = { ...base, storeClient: pool, storeType: "pool", tableName: "passflow_rate_limits", insuranceLimiter };
      if (tableReady) {
        await tableReady;
        return new RateLimiterPostgres({ ...options, tableCreated: true });
      }
      let limiter!: RateLimiterAbstract;
      tableReady = new Promise<void>((resolve, reject) => {
        limiter = new RateLimiterPostgres(options, (err?: Error) => (err ? reject(err) : resolve()));
      });
      await tableReady;
      return limiter;
    }
    default:
      return insuranceLimiter;
  }
}

/** The limiter of `scope` allowing `points` per `durationSeconds` window (default one minute), on the configured store. */
export function limiter(scope: string, points: number, durationSeconds = WINDOW_SECONDS): Promise<RateLimiterAbstract> {
  const key = `${scope}:${points}:${durationSeconds}`;
  let l = limiters.get(key);
  if (!l) {
    l = createLimiter(scope, points, durationSeconds);
    limiters.set(key, l);
    l.catch(() => limiters.delete(key)); // retry creation on the next request
  }
  return l;
}
