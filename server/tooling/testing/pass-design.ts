/**
 * Test fixture: a pass model folder as a merchant brings one (the format passkit-generator reads:
 * pass.json, images at @1x/@2x/@3x, `<lang>.lproj/pass.strings` and localized images), with
 * every field slot, two languages, a barcode template, locations, a beacon and dates.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PNG } from "pngjs";

/** A PNG of `width`×`height` in one color. */
export function solidPng(width: number, height: number, rgb: [number, number, number] = [16, 122, 122]): Buffer {
  const img = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    img.data[i * 4] = rgb[0];
    img.data[i * 4 + 1] = rgb[1];
    img.data[i * 4 + 2] = rgb[2];
    img.data[i * 4 + 3] = 255;
  }
  return PNG.sync.write(img);
}

/** UTF-16LE with a BOM, as Xcode writes a strings file. */
function utf16(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
}

/** The model's pass.json (what a merchant's designer wrote; values become the fields' defaults). */
export const MODEL_PASS_JSON = {
  formatVersion: 1,
  passTypeIdentifier: "pass.com.example.old",
  teamIdentifier: "OLDTEAM123",
  organizationName: "Café Lumière",
  description: "Café Lumière loyalty card",
  logoText: "Lumière",
  backgroundColor: "rgb(40, 20, 10)",
  foregroundColor: "rgb(255, 240, 220)",
  labelColor: "rgb(230, 190, 140)",
  sharingProhibited: true,
  barcodes: [{ format: "PKBarcodeFormatPDF417", message: "LUM-{loyaltyNumber}", altText: "{customerId}", messageEncoding: "iso-8859-1" }],
  locations: [
    { latitude: 48.8566, longitude: 2.3522, relevantText: "Café Lumière Paris is nearby" },
    { latitude: 45.764, longitude: 4.8357 },
  ],
  beacons: [{ proximityUUID: "E2C56DB5-DFFB-48D2-B060-D0F5A71096E0", major: 1, minor: 7, relevantText: "Welcome in" }],
  expirationDate: "2027-12-31T23:59:59+01:00",
  storeCard: {
    headerFields: [{ key: "balance", label: "BALANCE", value: 0, currencyCode: "EUR", textAlignment: "PKTextAlignmentRight" }],
    primaryFields: [{ key: "points", label: "POINTS", value: 0, changeMessage: "POINTS_CHANGED", numberStyle: "PKNumberStyleDecimal" }],
    secondaryFields: [{ key: "tier", label: "TIER", value: "Member", changeMessage: "TIER_CHANGED" }],
    auxiliaryFields: [{ key: "nextVisit", label: "NEXT_VISIT", value: "", dateStyle: "PKDateStyleLong", timeStyle: "PKDateStyleShort" }],
    backFields: [
      { key: "terms", label: "TERMS", value: "TERMS_TEXT", dataDetectorTypes: ["PKDataDetectorTypeLink", "PKDataDetectorTypePhoneNumber"] },
      { key: "website", label: "WEBSITE", value: "https://lumiere.example.com", dataDetectorTypes: ["PKDataDetectorTypeLink"] },
    ],
  },
};

/** Each language's pass.strings (keys are the pass.json texts). */
export const MODEL_STRINGS = {
  en: { BALANCE: "Balance", POINTS: "Points", POINTS_CHANGED: "You now have %@ points", TIER: "Tier", TIER_CHANGED: "Your tier is now %@", NEXT_VISIT: "Next visit", TERMS: "Terms", TERMS_TEXT: 'Points expire after 12 months. Call +33 1 23 45 67 89 or see "lumiere.example.com".', WEBSITE: "Website" },
  fr: { BALANCE: "Solde", POINTS: "Points", POINTS_CHANGED: "Vous avez maintenant %@ points", TIER: "Niveau", TIER_CHANGED: "Votre niveau est maintenant %@", NEXT_VISIT: "Prochaine visite", TERMS: "Conditions", TERMS_TEXT: "Les points expirent après 12 mois. Appelez le +33 1 23 45 67 89.", WEBSITE: "Site web" },
} as const;

/** The image files of the model (pass-wide), by name. */
export function modelImages(): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [scale, suffix] of [[1, ""], [2, "@2x"], [3, "@3x"]] as const) {
    out[`icon${suffix}.png`] = solidPng(29 * scale, 29 * scale, [200, 150, 90]);
    out[`logo${suffix}.png`] = solidPng(120 * scale, 40 * scale, [230, 190, 140]);
    out[`strip${suffix}.png`] = solidPng(375 * scale, 123 * scale, [60, 30, 15]);
  }
  return out;
}

function stringsFile(strings: Record<string, string>): string {
  const esc = (s: string) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
  return `/* Café Lumière */\n${Object.entries(strings).map(([k, v]) => `"${esc(k)}" = "${esc(v)}";`).join("\n")}\n`;
}

/**
 * Writes the model folder into `dir` (created): pass.json, images, en.lproj (UTF-16 strings) and
 * fr.lproj (UTF-8 strings, which Wallet also reads, and a French logo). Returns `dir`.
 */
export function writeModelFolder(dir: string, passJson: Record<string, unknown> = MODEL_PASS_JSON): string {
  mkdirSync(path.join(dir, "en.lproj"), { recursive: true });
  mkdirSync(path.join(dir, "fr.lproj"), { recursive: true });
  writeFileSync(path.join(dir, "pass.json"), JSON.stringify(passJson, null, 2));
  for (const [name, bytes] of Object.entries(modelImages())) writeFileSync(path.join(dir, name), bytes);
  writeFileSync(path.join(dir, "en.lproj", "pass.strings"), utf16(stringsFile(MODEL_STRINGS.en)));
  writeFileSync(path.join(dir, "fr.lproj", "pass.strings"), stringsFile(MODEL_STRINGS.fr));
  writeFileSync(path.join(dir, "fr.lproj", "logo.png"), solidPng(100, 40, [255, 0, 0]));
  writeFileSync(path.join(dir, "fr.lproj", "logo@2x.png"), solidPng(200, 80, [255, 0, 0]));
  writeFileSync(path.join(dir, ".DS_Store"), "junk a Mac leaves behind");
  return dir;
}
