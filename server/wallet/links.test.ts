import { describe, expect, it } from "vitest";
import { checkLinkSignature } from "./links";

describe("checkLinkSignature", () => {
  it("tells an unsigned, an expired and a wrongly signed link apart", () => {
    const now = new Date("2026-12-01T12:00:00Z");
    const expires = String(now.getTime() / 1000 + 60);
    const base = { tenantId: "t1", serialNumber: "s1", expires, now };
    expect(checkLinkSignature({ ...base, purpose: "pass-page-link", signature: null })).toBe("unsigned");
    expect(checkLinkSignature({ ...base, purpose: "pass-page-link", expires: "soon", signature: "x" })).toBe("unsigned");
    expect(checkLinkSignature({ ...base, purpose: "pass-page-link", expires: String(now.getTime() / 1000 - 1), signature: "x" })).toBe("expired");
    expect(checkLinkSignature({ ...base, purpose: "pass-page-link", signature: "AAAA" })).toBe("invalid");
  });
});
