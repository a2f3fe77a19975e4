/**
 * Pass types: a tenant's pass templates (`basic`, `premium`…). A pass type holds its published
 * definition (./definition.ts) in its columns: the template (colors, organizationName, barcode,
 * locations…), its images and the field definitions that say how Klaviyo's string values are
 * typed and where each field shows on the pass (Apple's pass.json field slots: headerFields,
 * primaryFields, secondaryFields, auxiliaryFields, backFields).
 */
import { PNG } from "pngjs";

export type { FieldDefinition, FieldSlot, FieldType } from "./definition";
import type { FieldDefinition, FieldSlot, PassTypeDefinition } from "./definition";
import { fieldDefinitions, passImages, passTemplate, type PassTemplate, type StoredPassType } from "./stored";

export { fieldDefinitions, passImages, passTemplate, type PassTemplate, type StoredPassType } from "./stored";

/** A built-in pass type as its PassType row's columns (`definitionOf` reads it as a definition). */
export interface StarterPassType {
  key: string;
  name: string;
  style: PassTypeDefinition["style"];
  template: PassTemplate;
  /** File name (icon.png, logo@2x.png, strip.png…) → base64 PNG. */
  images: Record<string, string>;
  fields: FieldDefinition[];
}

type Rgb = [number, number, number];

/** A PNG of `width`×`height` filled with `color`, with a lighter band across the middle third. */
function png(width: number, height: number, color: Rgb, band: Rgb = color): string {
  const img = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    const c = y > height / 3 && y < (2 * height) / 3 ? band : color;
    for (let x = 0; x < width; x++) {
      const i = (width * y + x) << 2;
      img.data[i] = c[0];
      img.data[i + 1] = c[1];
      img.data[i + 2] = c[2];
      img.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(img).toString("base64");
}

/** icon, logo and strip at @1x/@2x/@3x, as Apple's pass design guidelines size them. */
function imageSet(base: Rgb, accent: Rgb): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [scale, suffix] of [[1, ""], [2, "@2x"], [3, "@3x"]] as const) {
    out[`icon${suffix}.png`] = png(29 * scale, 29 * scale, accent);
    out[`logo${suffix}.png`] = png(50 * scale, 50 * scale, accent, base);
    out[`strip${suffix}.png`] = png(375 * scale, 123 * scale, base, accent);
  }
  return out;
}

const rgb = (c: Rgb) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;

const LOYALTY_FIELDS: FieldDefinition[] = [
  { key: "points", label: "Points", type: "number", slot: "primaryFields", changeMessage: "You now have %@ points" },
  { key: "tier", label: "Tier", type: "text", slot: "secondaryFields", changeMessage: "Your tier is now %@" },
  { key: "memberName", label: "Member", type: "text", slot: "auxiliaryFields" },
  { key: "couponCode", label: "Coupon", type: "text", slot: "auxiliaryFields", changeMessage: "New coupon: %@" },
  { key: "offer", label: "Offer", type: "text", slot: "backFields", changeMessage: "%@" },
  { key: "offerExpires", label: "Offer expires", type: "date", slot: "backFields" },
  { key: "balance", label: "Balance", type: "currency", slot: "headerFields", currencyCode: "USD" },
];

/** Premium adds a member-since date and perks on the back. */
const PREMIUM_FIELDS: FieldDefinition[] = [
  ...LOYALTY_FIELDS,
  { key: "memberSince", label: "Member since", type: "date", slot: "auxiliaryFields" },
  { key: "perks", label: "Perks", type: "text", slot: "backFields", changeMessage: "New perk: %@" },
];

/**
 * The built-in starter pass types every new tenant gets: a loyalty `basic` (teal) and
 * `premium` (black and gold, with a member-since date and perks) store card.
 */
export function starterPassTypes(tenantName: string): StarterPassType[] {
  const basic: Rgb = [16, 122, 122];
  const basicAccent: Rgb = [236, 248, 246];
  const premium: Rgb = [24, 24, 27];
  const gold: Rgb = [212, 175, 55];
  return [
    {
      key: "basic",
      name: "Basic loyalty card",
      style: "storeCard",
      template: {
        organizationName: tenantName,
        description: `${tenantName} loyalty card`,
        logoText: tenantName,
        backgroundColor: rgb(basic),
        foregroundColor: rgb([255, 255, 255]),
        labelColor: rgb(basicAccent),
      },
      images: imageSet(basic, basicAccent),
      fields: LOYALTY_FIELDS,
    },
    {
      key: "premium",
      name: "Premium loyalty card",
      style: "storeCard",
      template: {
        organizationName: tenantName,
        description: `${tenantName} premium card`,
        logoText: `${tenantName} Premium`,
        backgroundColor: rgb(premium),
        foregroundColor: rgb(gold),
        labelColor: rgb([250, 250, 250]),
      },
      images: imageSet(premium, gold),
      fields: PREMIUM_FIELDS,
    },
  ];
}

/** Computed visuals of a pass: colors, image names and which field keys fill each slot. */
export interface PassMetadata {
  style: PassTypeDefinition["style"];
  backgroundColor: string;
  foregroundColor: string;
  labelColor: string;
  images: string[];
  layout: Partial<Record<FieldSlot, string[]>>;
}

/** Recomputes a pass's metadata from its pass type and data (fields with no value are left out). */
export function computeMetadata(
  passType: { style: PassTypeDefinition["style"] } & StoredPassType,
  data: Record<string, unknown>,
): PassMetadata {
  const template = passTemplate(passType);
  const fields = fieldDefinitions(passType);
  const layout: PassMetadata["layout"] = {};
  for (const f of fields) {
    if (data[f.key] === undefined || data[f.key] === null) continue;
    (layout[f.slot] ??= []).push(f.key);
  }
  return {
    style: passType.style,
    backgroundColor: template.backgroundColor,
    foregroundColor: template.foregroundColor,
    labelColor: template.labelColor,
    images: Object.keys(passImages(passType)).sort(),
    layout,
  };
}
