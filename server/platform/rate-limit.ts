/**
 * Listener throttling with rate-limiter-flexible: per tenant (Tenant.tenantRequestsPerMinute)
 * and per credential (Tenant.apiKeyRequestsPerMinute), in a fixed one-minute window.
 * The store is THROTTLE_STORE: `memory` (one instance; the embedded default), `redis` (REDIS_URL)
 * or `postgres` (table `passflow_rate_limits`), both shared across instances. A failing shared
 * store falls back to memory rather than rejecting webhooks.
 * Answers carry `RateLimit-Limit/Remaining/Reset` (IETF RateLimit header fields draft) and 429s
 * `Retry-After` in seconds.
 */
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { Redis } from "ioredis";
import pg from "pg";
import { env } from "./env";
import { pgConfigFromUrl } from "@/server/db/pg-config";
import { HttpProblem } from "@/server/platform/http/problem";

const WINDOW_SECONDS = 60;

type Store = "memory" | "postgres" | "redis";

/** The configured store. */
export function throttleStore(): Store {
  return env.THROTTLE_STORE ?? (env.REDIS_URL ? "redis" : "memory");
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

/**
 * The limiter of `scope` allowing `points` per `durationSeconds` window, on the configured store
 * (also used for console sign-in throttling).
 */
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

function headers(limit: number, res: RateLimiterRes): Record<string, string> {
  return {
    "ratelimit-limit": String(limit),
    "ratelimit-remaining": String(Math.max(0, res.remainingPoints)),
    "ratelimit-reset": String(Math.ceil(res.msBeforeNext / 1000)),
  };
}

/**
 * Counts one request against the credential's quota, then the tenant's. A request the
 * credential's quota refuses is not counted against the tenant (one noisy flow must not starve
 * the tenant's other keys), and one the tenant's quota refuses is given back to the credential.
 * Resolves with the RateLimit headers of the tighter quota. @throws HttpProblem 429 with Retry-After
 */
export async function consumeListenerQuota(
  tenant: { id: string; tenantRequestsPerMinute: number; apiKeyRequestsPerMinute: number },
  principalId: string,
): Promise<Record<string, string>> {
  const credentialKey = `${tenant.id}:${principalId}`;
  const checks = [
    { limit: tenant.apiKeyRequestsPerMinute, limiter: () => limiter("credential", tenant.apiKeyRequestsPerMinute), key: credentialKey },
    { limit: tenant.tenantRequestsPerMinute, limiter: () => limiter("tenant", tenant.tenantRequestsPerMinute), key: tenant.id },
  ];
  let tightest: Record<string, string> | undefined;
  let tightestRemaining = Infinity;
  const consumed: (() => Promise<unknown>)[] = [];
  for (const check of checks) {
    const l = await check.limiter();
    try {
      const res = await l.consume(check.key);
      consumed.push(() => l.reward(check.key, 1));
      if (res.remainingPoints < tightestRemaining) {
        tightestRemaining = res.remainingPoints;
        tightest = headers(check.limit, res);
      }
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      await Promise.all(consumed.map((giveBack) => giveBack()));
      const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new HttpProblem({
        status: 429,
        title: "Too many requests",
        detail: `more than ${check.limit} requests per minute; retry after ${retryAfter} s`,
        headers: { ...headers(check.limit, rejection), "retry-after": String(retryAfter) },
      });
    }
  }
  return tightest ?? {};
}
