import { describe, expect, it } from "vitest";
import { BuildCache } from "./build-cache";

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
});
