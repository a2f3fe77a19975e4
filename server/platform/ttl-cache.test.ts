import { describe, expect, it } from "vitest";
import { TtlCache } from "./ttl-cache";

const key = (id: string) => ({ id, tenantId: "t1" });

describe("TtlCache", () => {
  it("keeps a value until its TTL ends", () => {
    const cache = new TtlCache<{ id: string }>(() => 60_000);
    cache.set("h1", key("k1"), 1_000);
    expect(cache.get("h1", 1_000)?.id).toBe("k1");
    expect(cache.get("h1", 60_999)?.id).toBe("k1");
    expect(cache.get("h1", 61_000)).toBeUndefined(); // expired: the caller reads the database again
    expect(cache.get("h2", 1_000)).toBeUndefined();
  });

  it("drops the entries of a changed row, whatever key they are under", () => {
    const cache = new TtlCache<{ id: string }>(() => 60_000);
    cache.set("slug", key("k1"));
    cache.set("id", key("k1"));
    cache.set("other", key("k2"));
    cache.deleteWhere((v) => v.id === "k1");
    expect([cache.get("slug"), cache.get("id"), cache.get("other")?.id]).toEqual([undefined, undefined, "k2"]);
  });

  it("stores nothing with a TTL of 0, and drops the oldest entry beyond its bound", () => {
    const off = new TtlCache<{ id: string }>(() => 0);
    off.set("h1", key("k1"));
    expect(off.get("h1")).toBeUndefined();
    const small = new TtlCache<{ id: string }>(() => 60_000, 2);
    small.set("a", key("a"));
    small.set("b", key("b"));
    small.set("c", key("c"));
    expect([small.get("a"), small.get("b")?.id, small.get("c")?.id]).toEqual([undefined, "b", "c"]);
  });
});
