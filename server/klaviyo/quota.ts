/**
 * Listener quotas: per tenant (Tenant.tenantRequestsPerMinute) and per credential
 * (Tenant.apiKeyRequestsPerMinute), in a fixed one-minute window, on the shared rate limiters
 * (server/platform/rate-limit.ts). Answers carry `RateLimit-Limit/Remaining/Reset` (IETF
 * RateLimit header fields draft) and 429s `Retry-After` in seconds.
 */
import { RateLimiterRes } from "rate-limiter-flexible";
import { HttpProblem } from "@/server/platform/http/problem";
import { limiter } from "@/server/platform/rate-limit";

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
        detail: `more than ${check.limit} requests per minute; retry after ${retryAfter} s`,
        headers: { ...headers(check.limit, rejection), "retry-after": String(retryAfter) },
      });
    }
  }
  return tightest ?? {};
}
