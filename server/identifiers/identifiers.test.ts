import { describe, expect, it } from "vitest";
import { normalizeIdentifiers, normalizePhone, phoneDigits } from "./identifiers";

describe("identifiers", () => {
  const tenant = { defaultPhoneRegion: "US", customIdentifierKeys: ["loyaltyNumber"] };

  it("normalizes email, phone and custom keys; empty strings are absent", () => {
    expect(
      normalizeIdentifiers({ email: " Jane.Doe@Example.com", phone: "(415) 555-0100", customerId: "", loyaltyNumber: "LN-1", other: "x" }, tenant),
    ).toEqual({ email: "jane.doe@example.com", phone: "+14155550100", customerId: undefined, custom: { loyaltyNumber: "LN-1" } });
    expect(normalizePhone("+34 912 34 56 78", "US")).toBe("+34912345678");
    expect(normalizePhone("020 7946 0958", "GB")).toBe("+442079460958");
    expect(() => normalizePhone("12", "US")).toThrow(/not a phone number/);
  });

  it("does not read custom keys from the prototype", () => {
    const raw = JSON.parse('{"__proto__": {"loyaltyNumber": "evil"}, "email": "a@b.co"}');
    expect(normalizeIdentifiers(raw, tenant).custom).toEqual({});
  });

  it("phoneDigits: the national digits every written form of the number contains", () => {
    expect(phoneDigits("+14155550100")).toBe("4155550100");
    expect(phoneDigits("+442079460958")).toBe("2079460958");
    for (const written of ["(415) 555-0100", "+1 415-555-0100", "415.555.0100"]) expect(written.replace(/\D/g, "")).toContain(phoneDigits("+14155550100"));
  });
});
