import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { definitionColumns, definitionOf, renderTemplate, validateDefinition, type PassTypeDefinition } from "./definition";
import { starterPassTypes } from "./pass-types";
import { DomainError } from "@/server/platform/errors";
import { mapError } from "@/server/platform/http/errors";

function png(width: number, height: number): string {
  return PNG.sync.write(new PNG({ width, height })).toString("base64");
}

const icons = { "icon.png": png(29, 29), "icon@2x.png": png(58, 58), "icon@3x.png": png(87, 87) };

function base(extra: Partial<PassTypeDefinition> = {}): PassTypeDefinition {
  return {
    style: "storeCard",
    organizationName: "Acme",
    description: "Acme card",
    backgroundColor: "rgb(16, 122, 122)",
    foregroundColor: "rgb(255, 255, 255)",
    labelColor: "rgb(236, 248, 246)",
    images: icons,
    fields: [{ key: "points", label: "Points", type: "number", slot: "primaryFields" }],
    ...extra,
  };
}

/** The `errors` a refused definition names. */
function refused(input: unknown): { field: string; message: string }[] {
  try {
    validateDefinition(input);
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe("invalid_input");
    expect((err as DomainError).field).toBe((err as DomainError).errors![0]!.field);
    return (err as DomainError).errors!;
  }
  throw new Error("the definition was accepted");
}

describe("validateDefinition", () => {
  it("accepts the starter pass types as they are stored", () => {
    for (const starter of starterPassTypes("Acme")) {
      const { definition, warnings } = validateDefinition(definitionOf(starter));
      expect(definition.fields).toEqual(starter.fields);
      expect(warnings).toEqual([]);
      expect(definitionColumns(definition)).toEqual({ style: starter.style, template: starter.template, images: starter.images, fields: starter.fields });
    }
  });

  it("refuses a key repeated in another slot, naming the second and the first", () => {
    const errors = refused(base({ fields: [
      { key: "points", label: "Points", type: "number", slot: "primaryFields" },
      { key: "tier", label: "Tier", type: "text", slot: "secondaryFields" },
      { key: "points", label: "Points again", type: "text", slot: "backFields" },
    ] }));
    expect(errors).toEqual([{ field: "fields[2].key", message: expect.stringContaining('duplicate key "points" (also fields[0].key)') }]);
  });

  it("refuses an image of the wrong size, naming the file and the expected size; warns where Apple only recommends", () => {
    const errors = refused(base({ images: { ...icons, "icon@2x.png": png(60, 60), "strip@2x.png": png(750, 300), "logo.png": png(170, 50) } }));
    expect(errors).toEqual([
      { field: "images.icon@2x.png", message: "is 60×60 px; Apple's icon at @2x is 58×58 px" },
      { field: "images.strip@2x.png", message: "is 750×300 px; Apple's strip for a storeCard at @2x is at most 750×288 px" },
      { field: "images.logo.png", message: "is 170×50 px; Apple's logo for a storeCard at @1x is at most 160×50 px" },
    ]);
    const ok = validateDefinition(base({ images: { ...icons, "strip.png": png(320, 123) } }));
    expect(ok.warnings).toEqual([{ field: "images.strip.png", message: expect.stringContaining("Apple recommends 375 px") }]);
    const ticket = validateDefinition(base({ style: "eventTicket", images: { ...icons, "background.png": png(200, 200) } }));
    expect(ticket.warnings).toEqual([{ field: "images.background.png", message: "is 200×200 px; Apple recommends 180×220 px for the background at @1x" }]);
  });

  it("refuses images the style does not show, names Wallet does not know, and bytes that are not a PNG", () => {
    expect(refused(base({ images: { ...icons, "thumbnail.png": png(90, 90), "banner.png": png(1, 1), "logo.png": Buffer.from("GIF89a").toString("base64") } }))).toEqual([
      { field: "images.thumbnail.png", message: expect.stringContaining("a storeCard shows no thumbnail image") },
      { field: "images.banner.png", message: expect.stringContaining("not a Wallet image name") },
      { field: "images.logo.png", message: "is not a PNG image" },
    ]);
    expect(refused(base({ style: "eventTicket", images: { ...icons, "strip.png": png(375, 98), "thumbnail.png": png(90, 90) } }))).toEqual([
      { field: "images.strip.png", message: expect.stringContaining("shows no background or thumbnail") },
    ]);
  });

  it("refuses a definition without an icon", () => {
    expect(refused(base({ images: { "logo.png": png(160, 50) } }))).toEqual([{ field: "images.icon.png", message: expect.stringContaining("an icon is required") }]);
  });

  it("refuses colors Wallet cannot read", () => {
    const errors = refused(base({ backgroundColor: "#107a7a", labelColor: "rgb(300, 0, 0)" }));
    expect(errors.map((e) => e.field)).toEqual(["backgroundColor", "labelColor"]);
    expect(errors[0]!.message).toMatch(/rgb\(r, g, b\)/);
  });

  it("refuses dates not in Apple's format: +0000, fractions of a second, no zone", () => {
    for (const value of ["2026-12-31T18:00:00+0000", "2026-12-31T18:00:00.000Z", "2026-12-31T18:00:00", "2026-12-31"]) {
      expect(refused(base({ relevantDate: { value } }))).toEqual([{ field: "relevantDate.value", message: expect.stringContaining("YYYY-MM-DDTHH:MM:SS with Z or ±HH:MM") }]);
    }
    for (const value of ["2026-12-31T18:00:00Z", "2026-12-31T18:00:00+01:00", "2026-12-31T18:00:00-05:30"]) {
      expect(validateDefinition(base({ expirationDate: { value } })).definition.expirationDate).toEqual({ value });
    }
  });

  it("a date from a field must name a date field", () => {
    const fields: PassTypeDefinition["fields"] = [
      { key: "points", label: "Points", type: "number", slot: "primaryFields" },
      { key: "eventAt", label: "Starts", type: "date", slot: "backFields" },
    ];
    expect(validateDefinition(base({ fields, relevantDate: { field: "eventAt" } })).definition.relevantDate).toEqual({ field: "eventAt" });
    expect(refused(base({ fields, relevantDate: { field: "points" }, expirationDate: { field: "nope" } }))).toEqual([
      { field: "relevantDate.field", message: 'field "points" is a number field; a relevantDate comes from a date field' },
      { field: "expirationDate.field", message: 'no field has the key "nope"' },
    ]);
  });

  it("refuses more than 10 locations and beacons", () => {
    const locations = Array.from({ length: 11 }, (_, i) => ({ latitude: 48.85 + i / 100, longitude: 2.35 }));
    expect(refused(base({ locations }))).toEqual([{ field: "locations", message: expect.stringContaining("at most 10 locations") }]);
    expect(validateDefinition(base({ locations: locations.slice(0, 10) })).definition.locations).toHaveLength(10);
    expect(refused(base({ locations: [{ latitude: 91, longitude: 0 }] }))[0]!.field).toBe("locations[0].latitude");
  });

  it("refuses an unknown barcode format and placeholders that name nothing", () => {
    expect(refused(base({ barcode: { format: "EAN13" as never, message: "{customerId}", encoding: "iso-8859-1" } }))).toEqual([
      { field: "barcode.format", message: "must be one of QR, PDF417, Aztec, Code128" },
    ]);
    const barcode = { format: "QR" as const, message: "{loyaltyNumber}-{serial}", encoding: "iso-8859-1" as const };
    expect(() => validateDefinition(base({ barcode }), { customIdentifierKeys: ["loyaltyNumber"] })).toThrow('barcode.message: {serial} is neither {customerId}, {serialNumber} nor one of the tenant\'s custom identifiers (loyaltyNumber)');
    expect(validateDefinition(base({ barcode: { format: "PDF417", message: "{serialNumber}" } as never })).definition.barcode).toEqual({ format: "PDF417", message: "{serialNumber}", encoding: "iso-8859-1" });
  });

  it("checks field properties against the field's type and slot, and types defaults as Klaviyo's values are typed", () => {
    const errors = refused(base({ fields: [
      { key: "points", label: "Points", type: "number", slot: "primaryFields", changeMessage: "Points changed", dateStyle: "short" },
      { key: "terms", label: "Terms", type: "text", slot: "secondaryFields", dataDetectorTypes: ["link"] },
      { key: "balance", label: "Balance", type: "currency", slot: "headerFields", currencyCode: "usd", default: "$5" },
      { key: "since", label: "Since", type: "date", slot: "auxiliaryFields", default: "yesterday" },
    ] }));
    expect(errors.map((e) => e.field)).toEqual(["fields[2].currencyCode"]);
    const semantic = refused(base({ fields: [
      { key: "points", label: "Points", type: "number", slot: "primaryFields", changeMessage: "Points changed", dateStyle: "short" },
      { key: "terms", label: "Terms", type: "text", slot: "secondaryFields", dataDetectorTypes: ["link"] },
      { key: "since", label: "Since", type: "date", slot: "auxiliaryFields", default: "yesterday" },
    ] }));
    expect(semantic).toEqual([
      { field: "fields[0].changeMessage", message: expect.stringContaining("must contain %@") },
      { field: "fields[0].dateStyle", message: "only a date field has a dateStyle" },
      { field: "fields[1].dataDetectorTypes", message: "Wallet applies data detectors to back fields only" },
      { field: "fields[2].default", message: '"yesterday" is not an ISO 8601 date' },
    ]);
  });

  it("a changeMessage may be a pass.strings key whose every translation has %@", () => {
    const fields: PassTypeDefinition["fields"] = [{ key: "points", label: "POINTS", type: "number", slot: "primaryFields", changeMessage: "POINTS_CHANGED" }];
    const localizations = { en: { strings: { POINTS_CHANGED: "You have %@ points" } }, fr: { strings: { POINTS_CHANGED: "Vous avez %@ points" } } };
    expect(validateDefinition(base({ fields, localizations })).definition.fields[0]!.changeMessage).toBe("POINTS_CHANGED");
    expect(refused(base({ fields, localizations: { ...localizations, de: { strings: { POINTS_CHANGED: "Neue Punkte" } } } }))[0]!.field).toBe("fields[0].changeMessage");
  });

  it("a boardingPass needs a transitType; no other style has one", () => {
    expect(refused(base({ style: "boardingPass" }))).toEqual([{ field: "transitType", message: expect.stringContaining("needs a transitType") }]);
    expect(refused(base({ transitType: "air" }))).toEqual([{ field: "transitType", message: "only a boardingPass has a transitType" }]);
  });

  it("refuses unknown keys, bad language codes and pass.json keys the definition sets", () => {
    const errors = refused({ ...base(), colour: "red", localizations: { French: {} }, apple: { passJson: { serialNumber: "x", sharingProhibited: true } } });
    expect(errors.map((e) => e.field).sort()).toEqual(["definition", "localizations.French"].sort());
    expect(refused(base({ apple: { passJson: { serialNumber: "x", sharingProhibited: true } } }))).toEqual([{ field: "apple.passJson.serialNumber", message: expect.stringContaining("set from the definition") }]);
  });

  it("checks each language's images like the pass's own", () => {
    expect(refused(base({ localizations: { fr: { strings: { Points: "Points" }, images: { "logo.png": png(200, 50) } } } }))).toEqual([
      { field: "localizations.fr.images.logo.png", message: expect.stringContaining("at most 160×50 px") },
    ]);
  });
});

describe("a refused definition over HTTP", () => {
  it("answers 400 problem+json with every failing path in errors", () => {
    let err: unknown;
    try {
      validateDefinition(base({ backgroundColor: "red", fields: [
        { key: "points", label: "Points", type: "number", slot: "primaryFields" },
        { key: "points", label: "Points", type: "number", slot: "backFields" },
      ] }));
    } catch (e) {
      err = e;
    }
    // zod's shape errors come first; the duplicate key is checked once the shape is right
    expect(mapError(err).problem).toMatchObject({ status: 400, errors: [{ field: "backgroundColor", message: expect.stringContaining("rgb(r, g, b)") }] });
    try {
      validateDefinition(base({ images: {}, fields: [
        { key: "points", label: "Points", type: "number", slot: "primaryFields" },
        { key: "points", label: "Points", type: "number", slot: "backFields" },
      ] }));
    } catch (e) {
      err = e;
    }
    expect(mapError(err).problem.errors!.map((e) => e.field)).toEqual(["fields[1].key", "images.icon.png"]);
  });
});

describe("renderTemplate", () => {
  const values = { serialNumber: "S-1", customerId: "C-9", identifiers: { loyaltyNumber: "LN-5" } };
  it("fills the placeholders; an empty result is the serial number", () => {
    expect(renderTemplate("{customerId}/{loyaltyNumber}/{serialNumber}", values)).toBe("C-9/LN-5/S-1");
    expect(renderTemplate("{customerId}", { ...values, customerId: null })).toBe("S-1");
    expect(renderTemplate("M-{other}", values)).toBe("M-");
    expect(renderTemplate("", values)).toBe("");
  });
});
