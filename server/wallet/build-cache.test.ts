import { describe, expect, it } from "vitest";
import { BuildCache, buildCache } from "./build-cache";
import type { Counter } from "prom-client";
import { metrics } from "@/server/platform/metrics";

describe("build cache", () => {
  it("builds a key once for concurrent callers and serves hits afterwards", async () => {
    const cache = new BuildCache(1024);
    let builds = 0;
    const build = async () => {
      builds++;
      await new Promise((r) => setTimeout(r, 20));
      return Buffer.from("pkpass");
    };
    const results = await Promise.all(Array.from({ length: 50 }, () => cache.get("pass-1:7", build)));
    expect(builds).toBe(1);
    expect(results.filter((r) => !r.cached)).toHaveLength(1);
    expect((await cache.get("pass-1:7", build)).cached).toBe(true);
    expect(cache.stats()).toMatchObject({ builds: 1, hits: 50, entries: 1 });
  });

  it("evicts least recently used entries beyond its byte budget and retries a failed build", async () => {
    const cache = new BuildCache(10);
    await cache.get("a", async () => Buffer.alloc(4));
    await cache.get("b", async () => Buffer.alloc(4));
    await cache.get("a", async () => Buffer.alloc(4)); // a is now most recent
    await cache.get("c", async () => Buffer.alloc(4));
    expect(cache.stats()).toMatchObject({ entries: 2, bytes: 8 });
    expect((await cache.get("a", async () => Buffer.alloc(4))).cached).toBe(true);
    expect((await cache.get("b", async () => Buffer.alloc(4))).cached).toBe(false);
    await expect(cache.get("x", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect((await cache.get("x", async () => Buffer.alloc(1))).cached).toBe(false);
  });

  it("tells its observer of each hit and each completed build; the process-wide cache counts them as metrics", async () => {
    const seen: string[] = [];
    const cache = new BuildCache(1024, { hit: () => seen.push("hit"), built: (s) => seen.push(s >= 0 ? "built" : "?") });
    await cache.get("k", async () => Buffer.from("x"));
    await cache.get("k", async () => Buffer.from("x"));
    await expect(cache.get("bad", async () => Promise.reject(new Error("boom")))).rejects.toThrow();
    expect(seen).toEqual(["built", "hit"]);

    // get() hands out the live value objects: read the numbers
    const count = async (counter: Counter) => (await counter.get()).values[0]?.value ?? 0;
    const [builds, hits] = [await count(metrics().builds), await count(metrics().buildCacheHits)];
    const key = `metrics-test-${Math.random()}`;
    await buildCache().get(key, async () => Buffer.from("y"));
    await buildCache().get(key, async () => Buffer.from("y"));
    expect((await count(metrics().builds)) - builds).toBe(1);
    expect((await count(metrics().buildCacheHits)) - hits).toBe(1);
  });
});
