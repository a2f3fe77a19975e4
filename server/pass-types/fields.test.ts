import { describe, expect, it } from "vitest";
import { applyFieldValues, coerceFieldValue, isNotProvided } from "./fields";
import type { FieldDefinition } from "./pass-types";

const def = (type: FieldDefinition["type"], extra: Partial<FieldDefinition> = {}): FieldDefinition => ({ key: "f", label: "F", type, slot: "primaryFields", ...extra });

describe("coerceFieldValue", () => {
  it("reads numbers from Klaviyo's text", () => {
    expect(coerceFieldValue(def("number"), "120")).toBe(120);
    expect(coerceFieldValue(def("number"), " -3.5 ")).toBe(-3.5);
    expect(coerceFieldValue(def("number"), "1,250")).toBe(1250);
    expect(coerceFieldValue(def("number"), 7)).toBe(7);
    for (const bad of ["12a", "1,25", "true", "1e3"]) expect(() => coerceFieldValue(def("number"), bad)).toThrow(/additionalData\.f: .* is not a number/);
    expect(() => coerceFieldValue(def("number"), true)).toThrow(/not a number/);
  });

  it("reads currency amounts with a symbol or the field's code, to cents", () => {
    const usd = def("currency", { currencyCode: "USD" });
    expect(coerceFieldValue(usd, "$12.50")).toBe(12.5);
    expect(coerceFieldValue(usd, "12.505 USD")).toBe(12.51);
    expect(coerceFieldValue(usd, "usd 3")).toBe(3);
    expect(() => coerceFieldValue(usd, "12 EUR")).toThrow(/not a currency amount/);
    // another currency's symbol is not silently read as dollars
    expect(() => coerceFieldValue(usd, "€5")).toThrow('additionalData.f: "€5" is not an amount in USD');
    expect(() => coerceFieldValue(usd, "5£")).toThrow(/not an amount in USD/);
    expect(coerceFieldValue(def("currency", { currencyCode: "EUR" }), "€5")).toBe(5);
    expect(coerceFieldValue(def("currency", { currencyCode: "CAD" }), "$5")).toBe(5);
    expect(coerceFieldValue(def("currency"), "¥500")).toBe(500);
    // the error quotes what was sent, not what was left after the symbol
    expect(() => coerceFieldValue(usd, "$")).toThrow('additionalData.f: "$" is not a currency amount');
  });

  it("reads ISO 8601 dates and Klaviyo's date-time text as UTC instants", () => {
    expect(coerceFieldValue(def("date"), "2026-12-31")).toBe("2026-12-31T00:00:00.000Z");
    expect(coerceFieldValue(def("date"), "0001-01-01")).toBe("0001-01-01T00:00:00.000Z"); // years below 100 are not 19xx
    expect(coerceFieldValue(def("date"), "0099-02-28 10:00:00")).toBe("0099-02-28T10:00:00.000Z");
    expect(coerceFieldValue(def("date"), "2026-12-31 18:00:00")).toBe("2026-12-31T18:00:00.000Z");
    expect(coerceFieldValue(def("date"), "2026-12-31T18:00:00+01:00")).toBe("2026-12-31T17:00:00.000Z");
    expect(coerceFieldValue(def("date"), "2026-12-31T18:00+0130")).toBe("2026-12-31T16:30:00.000Z");
    for (const bad of ["2026-02-30", "31/12/2026", "2026-12-31T25:00:00Z", 1767225600]) {
      expect(() => coerceFieldValue(def("date"), bad)).toThrow(/is not an ISO 8601 date/);
    }
  });

  it("keeps text, types numbers and booleans as text; empty means not provided, null removes", () => {
    expect(coerceFieldValue(def("text"), " Gold ")).toBe("Gold");
    expect(coerceFieldValue(def("text"), 5)).toBe("5");
    expect(coerceFieldValue(def("text"), false)).toBe("false");
    expect(coerceFieldValue(def("number"), "")).toBeUndefined();
    expect(coerceFieldValue(def("date"), null)).toBeNull();
  });
});

describe("applyFieldValues", () => {
  const fields: FieldDefinition[] = [def("number", { key: "points" }), def("text", { key: "tier" })];

  it("applies every value or none", () => {
    const data = { points: 1, tier: "Member", extra: "kept" };
    expect(applyFieldValues(data, { points: "2", tier: null }, fields, { passTypeKey: "basic" })).toEqual({ points: 2, extra: "kept" });
    expect(() => applyFieldValues(data, { tier: "Gold", points: "x" }, fields, { passTypeKey: "basic" })).toThrow("additionalData.points");
    // every bad value is named at once, the first as the error's field
    const all = (() => {
      try {
        applyFieldValues(data, { points: "abc", tier: "Gold", nope: "1" }, fields, { passTypeKey: "basic" });
      } catch (err) {
        return err;
      }
    })();
    expect(all).toMatchObject({
      code: "invalid_field_value",
      field: "additionalData.points",
      message: 'additionalData.points: "abc" is not a number; additionalData.nope: pass type basic has no field "nope"',
    });
    expect(data).toEqual({ points: 1, tier: "Member", extra: "kept" });
  });

  it("refuses a key the pass type has no field for, or skips it when asked", () => {
    expect(() => applyFieldValues({}, { colour: "red" }, fields, { passTypeKey: "basic" })).toThrow('additionalData.colour: pass type basic has no field "colour"');
    expect(applyFieldValues({}, { colour: "red", tier: "Gold" }, fields, { passTypeKey: "basic", source: "properties", ignoreUnknown: true })).toEqual({ tier: "Gold" });
  });

  it("removes with null a value no field shows (left by a pass type conversion); null for an absent unknown key is still refused", () => {
    expect(applyFieldValues({ tier: "Gold", memberSince: "2020-01-15" }, { memberSince: null }, fields, { passTypeKey: "basic" })).toEqual({ tier: "Gold" });
    expect(() => applyFieldValues({ tier: "Gold" }, { memberSince: null }, fields, { passTypeKey: "basic" })).toThrow('pass type basic has no field "memberSince"');
  });
});

describe("isNotProvided", () => {
  it("blank always; the tenant's values once trimmed, exactly; never numbers, booleans or null", () => {
    expect(isNotProvided("")).toBe(true);
    expect(isNotProvided("  ")).toBe(true);
    expect(isNotProvided("-")).toBe(false);
    expect(isNotProvided(" - ", ["-", "N/A"])).toBe(true);
    expect(isNotProvided("N/A", ["-", "N/A"])).toBe(true);
    expect(isNotProvided("n/a", ["-", "N/A"])).toBe(false);
    expect(isNotProvided("Gold", ["-", "N/A"])).toBe(false);
    for (const v of [0, false, null]) expect(isNotProvided(v, ["0", "false", "null"])).toBe(false);
  });

  it("applyFieldValues leaves a field as it is for a not-provided value, and still types the others", () => {
    const fields = [def("text", { key: "tier" }), def("number", { key: "points" })];
    const next = applyFieldValues({ tier: "Gold", points: 10 }, { tier: "N/A", points: "-" }, fields, { passTypeKey: "basic", notProvidedValues: ["-", "N/A"] });
    expect(next).toEqual({ tier: "Gold", points: 10 });
    expect(applyFieldValues({ tier: "Gold" }, { tier: "-" }, fields, { passTypeKey: "basic" })).toEqual({ tier: "-" });
  });
});
