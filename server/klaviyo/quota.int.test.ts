/**
 * The shared throttle stores: two module instances (as two app instances would be) count
 * against one quota in Redis and in PostgreSQL.
 */
import { describe, expect, inject, it, vi } from "vitest";
import { randomUUID } from "node:crypto";

async function freshThrottle(env: Record<string, string>) {
  vi.resetModules();
  Object.assign(process.env, env);
  const [store, quota] = await Promise.all([import("@/server/platform/rate-limit"), import("./quota")]);
  return { ...store, ...quota };
}

// The PostgreSQL store needs a real server: PGlite serves all connections from one session, so
// two pools' named prepared statements collide there (the embedded default throttles in memory).
const stores: [string, Record<string, string>][] = [["redis", { THROTTLE_STORE: "redis", REDIS_URL: process.env.REDIS_URL || "redis://127.0.0.1:6379" }]];
if (!inject("databaseEmbedded")) stores.push(["postgres", { THROTTLE_STORE: "postgres" }]);

describe.each(stores)("throttle store %s", (store, env) => {
  it("shares one quota across instances and rejects past it with Retry-After", async () => {
    const tenant = { id: `t-${randomUUID()}`, tenantRequestsPerMinute: 100, apiKeyRequestsPerMinute: 3 };
    const a = await freshThrottle(env);
    const b = await freshThrottle(env);
    expect(a.consumeListenerQuota).not.toBe(b.consumeListenerQuota);
    expect(a.throttleStore()).toBe(store);
    const first = await a.consumeListenerQuota(tenant, "key:1");
    expect(first["ratelimit-remaining"]).toBe("2");
    await b.consumeListenerQuota(tenant, "key:1");
    await a.consumeListenerQuota(tenant, "key:1");
    const rejected = await b.consumeListenerQuota(tenant, "key:1").catch((e: unknown) => e);
    expect(rejected).toMatchObject({ init: { status: 429, headers: { "ratelimit-limit": "3", "ratelimit-remaining": "0" } } });
    // another credential of the same tenant has its own quota
    expect((await b.consumeListenerQuota(tenant, "key:2"))["ratelimit-remaining"]).toBe("2");
  });
});
