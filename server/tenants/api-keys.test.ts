import { describe, expect, it } from "vitest";
import { VerifiedApiKeys } from "./api-keys";

const key = (id: string) => ({ id, tenantId: "t1", scopes: ["KlaviyoListener.Write"], lastUsedAt: null });

describe("verified API keys", () => {
  it("remembers a verified key by its hash until the TTL ends", () => {
    const keys = new VerifiedApiKeys(() => 60_000);
    keys.remember("h1", key("k1"), 1_000);
    expect(keys.get("h1", 1_000)?.id).toBe("k1");
    expect(keys.get("h1", 60_999)?.id).toBe("k1");
    expect(keys.get("h1", 61_000)).toBeUndefined(); // expired: the next request looks the key up again
    expect(keys.get("h2", 1_000)).toBeUndefined();
  });

  it("forgets a revoked key by its row id, whatever hash it was remembered under", () => {
    const keys = new VerifiedApiKeys(() => 60_000);
    keys.remember("h1", key("k1"));
    keys.remember("h2", key("k2"));
    keys.forget("k1");
    expect(keys.get("h1")).toBeUndefined();
    expect(keys.get("h2")?.id).toBe("k2");
  });

  it("remembers nothing with a TTL of 0 (API_KEY_CACHE_SECONDS=0)", () => {
    const keys = new VerifiedApiKeys(() => 0);
    keys.remember("h1", key("k1"));
    expect(keys.get("h1")).toBeUndefined();
  });
});
