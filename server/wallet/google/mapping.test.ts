import { describe, expect, it } from "vitest";
import type { PassTypeDefinition } from "@/server/pass-types/definition";
import { changedKeys, googleClass, googleObject, googlePreview, googleState, hexColor, localizedString } from "./mapping";

const base: PassTypeDefinition = {
  style: "storeCard",
  organizationName: "Acme",
  description: "Acme rewards",
  logoText: "Acme Club",
  backgroundColor: "rgb(16, 122, 122)",
  foregroundColor: "rgb(255, 255, 255)",
  labelColor: "rgb(0, 0, 0)",
  images: { "icon.png": "x", "logo.png": "x", "logo@2x.png": "x", "strip@3x.png": "x" },
  fields: [
    { key: "points", label: "Points", type: "number", slot: "primaryFields", changeMessage: "%@ points" },
    { key: "balance", label: "Balance", type: "currency", slot: "headerFields", currencyCode: "EUR" },
    { key: "tier", label: "Tier", type: "text", slot: "secondaryFields" },
    { key: "terms", label: "Terms", type: "text", slot: "backFields", default: "No cash value" },
  ],
  barcode: { format: "PDF417", message: "{customerId}-{serialNumber}", altText: "{customerId}", encoding: "iso-8859-1" },
  locations: [{ latitude: 48.85, longitude: 2.35, relevantText: "Near the shop" }],
  localizations: { fr: { strings: { Points: "Points fidélité", "Acme rewards": "Acme récompenses" } } },
};
const imageUrl = (name: string) => `https://passflow.example/api/acme/pass-types/basic/images/${name}?v=2`;
const pass = { issuerId: "3388", passTypeKey: "basic", definition: base, imageUrl, serialNumber: "S-1", voided: false, customerId: "C9", identifiers: {} };

describe("Google Wallet mapping", () => {
  it("maps a store card to a loyalty class with images at public URLs, colours, locations and localized strings", () => {
    const c = googleClass({ issuerId: "3388", passTypeKey: "basic", definition: base, imageUrl, callbackUrl: "https://passflow.example/api/acme/google-wallet/callback" });
    expect(c.resource).toBe("loyaltyClass");
    expect(c.id).toBe("3388.basic");
    expect(c.body).toMatchObject({
      issuerName: "Acme",
      programName: "Acme Club",
      hexBackgroundColor: "#107a7a",
      programLogo: { sourceUri: { uri: imageUrl("logo@2x.png") } },
      heroImage: { sourceUri: { uri: imageUrl("strip@3x.png") }, contentDescription: { defaultValue: { language: "en", value: "Acme rewards" }, translatedValues: [{ language: "fr", value: "Acme récompenses" }] } },
      locations: [{ latitude: 48.85, longitude: 2.35 }],
      callbackOptions: { url: "https://passflow.example/api/acme/google-wallet/callback" },
    });
  });

  it("maps a coupon to an offer class and anything else to a generic class", () => {
    expect(googleClass({ issuerId: "1", passTypeKey: "c", definition: { ...base, style: "coupon" }, imageUrl, callbackUrl: "u" })).toMatchObject({
      resource: "offerClass",
      body: { title: "Acme rewards", provider: "Acme", redemptionChannel: "BOTH", titleImage: { sourceUri: { uri: imageUrl("logo@2x.png") } } },
    });
    expect(googleClass({ issuerId: "1", passTypeKey: "e", definition: { ...base, style: "eventTicket" }, imageUrl, callbackUrl: "u" }).resource).toBe("genericClass");
    const o = googleObject({ ...pass, definition: { ...base, style: "generic" }, data: {} });
    expect(o.resource).toBe("genericObject");
    expect(o.body).toMatchObject({ cardTitle: { defaultValue: { value: "Acme" } }, header: { defaultValue: { value: "Acme Club" } }, hexBackgroundColor: "#107a7a", logo: { sourceUri: { uri: imageUrl("logo@2x.png") } } });
  });

  it("maps a pass to an object with typed points, money, text modules, the rendered barcode and its state", () => {
    const o = googleObject({ ...pass, data: { points: 1250, balance: 12.5, tier: "Gold" } });
    expect(o.id).toBe("3388.S-1");
    expect(o.body).toMatchObject({
      classId: "3388.basic",
      state: "ACTIVE",
      accountId: "C9",
      loyaltyPoints: { label: "Points", localizedLabel: { translatedValues: [{ language: "fr", value: "Points fidélité" }] }, balance: { int: 1250 } },
      secondaryLoyaltyPoints: { label: "Balance", balance: { money: { micros: "12500000", currencyCode: "EUR" } } },
      barcode: { type: "PDF_417", value: "C9-S-1", alternateText: "C9" },
    });
    expect(o.body.textModulesData).toEqual([
      { id: "tier", header: "Tier", body: "Gold", localizedHeader: { defaultValue: { language: "en", value: "Tier" } } },
      { id: "terms", header: "Terms", body: "No cash value", localizedHeader: { defaultValue: { language: "en", value: "Terms" } } },
    ]);
    expect(googleObject({ ...pass, data: { points: 2.5 } }).body.loyaltyPoints).toMatchObject({ balance: { double: 2.5 } });
  });

  it("previews the card from the class and object bodies: program, points, text modules, barcode, state", () => {
    const c = googleClass({ issuerId: "3388", passTypeKey: "basic", definition: base, imageUrl, callbackUrl: "u" });
    const o = googleObject({ ...pass, data: { points: 1250, tier: "Gold" } });
    expect(googlePreview(c.body, o.body)).toEqual({
      title: "Acme Club",
      subtitle: "Acme",
      backgroundColor: "#107a7a",
      logoUrl: imageUrl("logo@2x.png"),
      points: { label: "Points", value: "1250" },
      modules: [
        { header: "Tier", body: "Gold" },
        { header: "Terms", body: "No cash value" },
      ],
      barcode: { type: "PDF_417", value: "C9-S-1", alternateText: "C9" },
      state: "ACTIVE",
    });
    const voided = googleObject({ ...pass, voided: true, data: {} });
    expect(googlePreview(c.body, voided.body)).toMatchObject({ points: null, state: "INACTIVE" });
  });

  it("derives the state: voided → INACTIVE, past the expiration date → EXPIRED", () => {
    const d = { ...base, expirationDate: { value: "2020-01-01T00:00:00Z" } };
    expect(googleState(base, { voided: true, data: {} })).toBe("INACTIVE");
    expect(googleState(d, { voided: false, data: {} })).toBe("EXPIRED");
    expect(googleObject({ ...pass, definition: d, data: {} }).body).toMatchObject({ state: "EXPIRED", validTimeInterval: { end: { date: "2020-01-01T00:00:00Z" } } });
    expect(googleState({ ...base, expirationDate: { value: "2099-01-01T00:00:00Z" } }, { voided: false, data: {} })).toBe("ACTIVE");
  });

  it("compares objects by value whatever the key order (jsonb reorders keys)", () => {
    const before = { loyaltyPoints: { label: "Points", balance: { int: 1 } }, state: "ACTIVE" };
    expect(changedKeys({ state: "ACTIVE", loyaltyPoints: { balance: { int: 1 }, label: "Points" } }, before)).toEqual([]);
    expect(changedKeys(before, { ...before, loyaltyPoints: { label: "Points", balance: { int: 2 } } })).toEqual(["loyaltyPoints"]);
    expect(hexColor("rgb(0, 90, 40)")).toBe("#005a28");
    expect(localizedString(base, "Nope")).toEqual({ defaultValue: { language: "en", value: "Nope" } });
  });
});
