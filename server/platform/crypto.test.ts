import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, hashToken, safeEqual } from "./crypto";

describe("crypto", () => {
  it("round-trips secrets and refuses altered ciphertext", () => {
    const sealed = encryptSecret("whsec_abc");
    expect(sealed).not.toContain("whsec_abc");
    expect(decryptSecret(sealed)).toBe("whsec_abc");
    expect(encryptSecret("whsec_abc")).not.toBe(sealed); // random IV
    const parts = sealed.split(".");
    parts[4] = Buffer.from("whsec_abd").toString("base64url");
    expect(() => decryptSecret(parts.join("."))).toThrow();
  });

  it("hashes tokens and compares in constant time", () => {
    expect(hashToken("a")).toBe("ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb");
    expect(safeEqual("abc", "abc")).toBe(true);
    expect(safeEqual("abc", "abd")).toBe(false);
    expect(safeEqual("abc", "abcd")).toBe(false);
  });
});
