/**
 * A pass type's definition: everything a merchant designs, in one platform-neutral shape that
 * builds Apple Wallet passes today (server/wallet/pass-json.ts maps it to pass.json) and a Google
 * Wallet class later. Apple-only details live in `apple`.
 *
 * ```
 * PassTypeDefinition {
 *   style: storeCard | coupon | generic | eventTicket | boardingPass   transitType (boardingPass): air | boat | bus | train | generic
 *   organizationName, description, logoText?
 *   backgroundColor, foregroundColor, labelColor        "rgb(r, g, b)", each 0-255
 *   images: { "icon.png": base64 PNG, "logo@2x.png": …}  ./images.ts: names, Apple's sizes per style
 *   fields: [{ key, label, type: number | currency | date | text, slot: headerFields | primaryFields |
 *              secondaryFields | auxiliaryFields | backFields, changeMessage? (with %@, or a pass.strings
 *              key whose translations have it), currencyCode?
 *              (ISO 4217, currency), dateStyle? / timeStyle? (none | short | medium | long | full),
 *              ignoresTimeZone?, isRelative? (date), numberStyle? (decimal | percent | scientific |
 *              spellOut, number), textAlignment? (left | center | right | natural),
 *              dataDetectorTypes? (phoneNumber | link | address | calendarEvent, backFields),
 *              default? (the value shown while the pass has none: static back texts are fields
 *              with a default) }]
 *   barcode?: { format: QR | PDF417 | Aztec | Code128, message, altText?, encoding: iso-8859-1 | utf-8 } | null
 *             message and altText are templates: {customerId}, {serialNumber}, {<custom identifier key>};
 *             absent: QR of {customerId} (the serial number for a customer without one); null: none
 *   locations?: ≤ 10 × { latitude, longitude, altitude?, relevantText? }
 *   beacons?: ≤ 10 × { proximityUUID, major?, minor?, relevantText? }
 *   relevantDate?, expirationDate?: { value: "2026-12-31T18:00:00Z" | "…+01:00" } | { field: <date field key> }
 *   voided?: boolean
 *   localizations?: { "fr": { strings?: { <label or text>: <translation> }, images?: { "logo.png": … } } }
 *   apple?: { passJson?: { <pass.json key Passflow does not model>: value } }  (kept as imported)
 * }
 * ```
 *
 * Field keys are unique across all slots: Wallet refuses a whole pass with a repeated key (Apple
 * "PassFieldContent": "The key must be unique within the scope of the entire pass"). Dates are
 * written as Apple's W3C format requires (YYYY-MM-DDTHH:MM:SS with Z or ±HH:MM; never +0000,
 * never fractions of a second). Fewer than 10 locations and beacons: Wallet uses only the first 10
 * (Apple "Pass": locations, beacons).
 *
 * A PassType row stores the published definition in its columns: `style`, `images`, `fields`,
 * and everything else in `template` (so `template.backgroundColor` etc. read as before).
 */
import { z } from "zod";
import { DomainError, type DomainFieldError } from "@/server/platform/errors";
import { coerceFieldValue } from "./fields";
import { checkImages, type PassStyle } from "./images";
import { BUILT_IN_PLACEHOLDERS, PLACEHOLDER, templatePlaceholders } from "./templates";

export { BUILT_IN_PLACEHOLDERS, DEFAULT_BARCODE, renderTemplate, templatePlaceholders } from "./templates";
export { definitionColumns, definitionOf, type PassTypeColumns } from "./stored";

export const PASS_STYLES = ["storeCard", "coupon", "generic", "eventTicket", "boardingPass"] as const satisfies readonly PassStyle[];
export const TRANSIT_TYPES = ["air", "boat", "bus", "train", "generic"] as const;
export const FIELD_TYPES = ["number", "currency", "date", "text"] as const;
export const FIELD_SLOTS = ["headerFields", "primaryFields", "secondaryFields", "auxiliaryFields", "backFields"] as const;
export const DATE_STYLES = ["none", "short", "medium", "long", "full"] as const;
export const NUMBER_STYLES = ["decimal", "percent", "scientific", "spellOut"] as const;
export const TEXT_ALIGNMENTS = ["left", "center", "right", "natural"] as const;
export const DATA_DETECTOR_TYPES = ["phoneNumber", "link", "address", "calendarEvent"] as const;
export const BARCODE_FORMATS = ["QR", "PDF417", "Aztec", "Code128"] as const;
export const BARCODE_ENCODINGS = ["iso-8859-1", "utf-8"] as const;
/** Wallet uses the first 10 locations and 10 beacons. */
export const MAX_LOCATIONS = 10;
export const MAX_BEACONS = 10;

/** Apple's date format: seconds, Z or ±HH:MM; no fractions, no ±HHMM. */
export const APPLE_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
const RGB = /^rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)$/;
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const KEY = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;
const UUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;

const color = z.string().refine((s) => {
  const m = RGB.exec(s);
  return !!m && [m[1], m[2], m[3]].every((c) => Number(c) <= 255);
}, "must be a CSS-style rgb(r, g, b) color with each component 0-255, e.g. rgb(16, 122, 122)");

const appleDate = z.string().regex(APPLE_DATE, "must be an Apple date: YYYY-MM-DDTHH:MM:SS with Z or ±HH:MM (no fractions of a second, no +0000), e.g. 2026-12-31T18:00:00Z");

const fieldSchema = z.strictObject({
  key: z.string().regex(KEY, "must be 1-64 letters, digits, _ . - (starting with a letter, digit or _)"),
  label: z.string().max(200),
  type: z.enum(FIELD_TYPES),
  slot: z.enum(FIELD_SLOTS),
  changeMessage: z.string().min(1).max(500).optional(),
  currencyCode: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as USD").optional(),
  dateStyle: z.enum(DATE_STYLES).optional(),
  timeStyle: z.enum(DATE_STYLES).optional(),
  ignoresTimeZone: z.boolean().optional(),
  isRelative: z.boolean().optional(),
  numberStyle: z.enum(NUMBER_STYLES).optional(),
  textAlignment: z.enum(TEXT_ALIGNMENTS).optional(),
  dataDetectorTypes: z.array(z.enum(DATA_DETECTOR_TYPES)).optional(),
  default: z.union([z.string(), z.number()]).optional(),
});

const template = z.string().max(500);
const barcodeSchema = z.strictObject({
  format: z.enum(BARCODE_FORMATS, { error: `must be one of ${BARCODE_FORMATS.join(", ")}` }),
  message: template.min(1),
  altText: template.optional(),
  encoding: z.enum(BARCODE_ENCODINGS).default("iso-8859-1"),
});

const relevantText = z.string().max(200).optional();
const locationSchema = z.strictObject({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  altitude: z.number().optional(),
  relevantText,
});
const beaconSchema = z.strictObject({
  proximityUUID: z.string().regex(UUID, "must be a UUID"),
  major: z.number().int().min(0).max(65535).optional(),
  minor: z.number().int().min(0).max(65535).optional(),
  relevantText,
});
const dateSource = z.union([z.strictObject({ value: appleDate }), z.strictObject({ field: z.string().min(1) })], {
  error: 'must be { "value": "<Apple date>" } or { "field": "<date field key>" }',
});

const imagesSchema = z.record(z.string(), z.string());

export const passTypeDefinitionSchema = z.strictObject({
  style: z.enum(PASS_STYLES),
  transitType: z.enum(TRANSIT_TYPES).optional(),
  organizationName: z.string().min(1).max(200),
  description: z.string().min(1).max(500),
  logoText: z.string().max(200).optional(),
  backgroundColor: color,
  foregroundColor: color,
  labelColor: color,
  images: imagesSchema,
  fields: z.array(fieldSchema),
  barcode: barcodeSchema.nullable().optional(),
  locations: z.array(locationSchema).max(MAX_LOCATIONS, `at most ${MAX_LOCATIONS} locations (Wallet uses only the first 10)`).optional(),
  beacons: z.array(beaconSchema).max(MAX_BEACONS, `at most ${MAX_BEACONS} beacons (Wallet uses only the first 10)`).optional(),
  relevantDate: dateSource.optional(),
  expirationDate: dateSource.optional(),
  voided: z.boolean().optional(),
  localizations: z
    .record(
      z.string().regex(LANGUAGE, "must be a language code such as en, fr, de or pt-BR"),
      z.strictObject({ strings: z.record(z.string().min(1), z.string()).optional(), images: imagesSchema.optional() }),
    )
    .optional(),
  apple: z.strictObject({ passJson: z.record(z.string(), z.unknown()).optional() }).optional(),
});

export type PassTypeDefinition = z.infer<typeof passTypeDefinitionSchema>;
export type FieldDefinition = z.infer<typeof fieldSchema>;
export type FieldType = FieldDefinition["type"];
export type FieldSlot = FieldDefinition["slot"];
export type BarcodeDefinition = z.infer<typeof barcodeSchema>;
export type DateSource = z.infer<typeof dateSource>;


/**
 * pass.json keys the definition itself sets, or Passflow per pass: `apple.passJson` may not carry
 * them (they would be overwritten, or fight the definition).
 */
export const APPLE_RESERVED_KEYS: ReadonlySet<string> = new Set([
  "formatVersion", "serialNumber", "passTypeIdentifier", "teamIdentifier", "authenticationToken", "webServiceURL",
  "organizationName", "description", "logoText", "backgroundColor", "foregroundColor", "labelColor",
  "barcode", "barcodes", "locations", "beacons", "relevantDate", "expirationDate", "voided", ...PASS_STYLES,
]);

/** zod's issue path as Passflow names fields: `fields[3].key`, `images.icon.png`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** What validation found: the definition as stored (defaults applied) and Apple's recommendations it misses. */
export interface ValidatedDefinition {
  definition: PassTypeDefinition;
  warnings: DomainFieldError[];
}

/** Options of `validateDefinition`. */
export interface ValidateOptions {
  /** The tenant's custom identifier keys: other placeholders in barcode templates are refused. */
  customIdentifierKeys?: readonly string[];
}

function semanticErrors(d: PassTypeDefinition, opts: ValidateOptions): { errors: DomainFieldError[]; warnings: DomainFieldError[] } {
  const errors: DomainFieldError[] = [];
  const warnings: DomainFieldError[] = [];
  const err = (field: string, message: string) => errors.push({ field, message });

  if (d.style === "boardingPass" && !d.transitType) err("transitType", "a boardingPass needs a transitType (air, boat, bus, train or generic)");
  if (d.style !== "boardingPass" && d.transitType) err("transitType", "only a boardingPass has a transitType");

  const seen = new Map<string, number>();
  d.fields.forEach((f, i) => {
    const at = `fields[${i}]`;
    const first = seen.get(f.key);
    if (first !== undefined) err(`${at}.key`, `duplicate key ${JSON.stringify(f.key)} (also fields[${first}].key): keys are unique across all slots, and Wallet refuses a pass that repeats one`);
    else seen.set(f.key, i);
    if (f.changeMessage !== undefined) {
      // Wallet looks the text up in each language's pass.strings: there, or in the text itself, %@ takes the new value
      const texts = Object.values(d.localizations ?? {}).map((l) => l.strings?.[f.changeMessage!]).filter((t): t is string => t !== undefined);
      const missing = texts.length ? texts.some((t) => !t.includes("%@")) : !f.changeMessage.includes("%@");
      if (missing) err(`${at}.changeMessage`, "must contain %@ (Wallet puts the new value there), itself or in each language's translation of it");
    }
    if (f.currencyCode && f.type !== "currency") err(`${at}.currencyCode`, "only a currency field has a currencyCode");
    if (f.numberStyle && f.type !== "number") err(`${at}.numberStyle`, "only a number field has a numberStyle");
    for (const k of ["dateStyle", "timeStyle", "ignoresTimeZone", "isRelative"] as const) {
      if (f[k] !== undefined && f.type !== "date") err(`${at}.${k}`, `only a date field has a ${k}`);
    }
    if (f.dataDetectorTypes && f.slot !== "backFields") err(`${at}.dataDetectorTypes`, "Wallet applies data detectors to back fields only");
    if (f.default !== undefined) {
      try {
        const typed = coerceFieldValue(f, f.default, `${at}.default`);
        if (typed === undefined || typed === null) err(`${at}.default`, "must not be empty (leave it out for no default)");
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        err(`${at}.default`, e.message.replace(/^[^:]*: /, ""));
      }
    }
  });

  for (const which of ["relevantDate", "expirationDate"] as const) {
    const source = d[which];
    if (source && "field" in source) {
      const f = d.fields.find((x) => x.key === source.field);
      if (!f) err(`${which}.field`, `no field has the key ${JSON.stringify(source.field)}`);
      else if (f.type !== "date") err(`${which}.field`, `field ${JSON.stringify(source.field)} is a ${f.type} field; a ${which} comes from a date field`);
    }
  }

  if (d.barcode) {
    const known = new Set<string>([...BUILT_IN_PLACEHOLDERS, ...(opts.customIdentifierKeys ?? [])]);
    for (const part of ["message", "altText"] as const) {
      const text = d.barcode[part];
      if (text === undefined) continue;
      if (/[{}]/.test(text.replace(PLACEHOLDER, ""))) err(`barcode.${part}`, "has an unmatched { or }");
      for (const name of templatePlaceholders(text)) {
        if (opts.customIdentifierKeys && !known.has(name)) err(`barcode.${part}`, `{${name}} is neither {customerId}, {serialNumber} nor one of the tenant's custom identifiers (${opts.customIdentifierKeys.join(", ") || "none"})`);
        else if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) err(`barcode.${part}`, `{${name}} is not a placeholder name`);
      }
    }
  }

  for (const key of Object.keys(d.apple?.passJson ?? {})) {
    if (APPLE_RESERVED_KEYS.has(key)) err(`apple.passJson.${key}`, "is set from the definition or by Passflow for each pass; it cannot be given here");
  }

  const images = checkImages(d.images, d.style, { pathPrefix: "images", requireIcon: true });
  for (const [lang, loc] of Object.entries(d.localizations ?? {})) {
    const localized = checkImages(loc.images ?? {}, d.style, { pathPrefix: `localizations.${lang}.images`, requireIcon: false });
    images.errors.push(...localized.errors);
    images.warnings.push(...localized.warnings);
  }
  errors.push(...images.errors.map((i) => ({ field: i.path, message: i.message })));
  warnings.push(...images.warnings.map((i) => ({ field: i.path, message: i.message })));
  return { errors, warnings };
}

/**
 * Validates a definition (any JSON) and returns it as stored, with Apple's recommendations it
 * misses as warnings. Every problem is named at once, by path.
 * @throws DomainError invalid_input: `errors` lists every failing path (`fields[3].key`,
 *   `images.icon.png`, `locations`), `field` the first, the message all of them
 */
export function validateDefinition(input: unknown, opts: ValidateOptions = {}): ValidatedDefinition {
  const parsed = passTypeDefinitionSchema.safeParse(input);
  if (!parsed.success) {
    throw invalidDefinition(parsed.error.issues.map((i) => ({ field: formatPath(i.path) || "definition", message: i.message })));
  }
  const { errors, warnings } = semanticErrors(parsed.data, opts);
  if (errors.length) throw invalidDefinition(errors);
  return { definition: parsed.data, warnings };
}

/** The DomainError naming every failing field of a definition. */
export function invalidDefinition(errors: DomainFieldError[]): DomainError {
  const message = `invalid pass type definition: ${errors.map((e) => `${e.field}: ${e.message}`).join("; ")}`;
  return new DomainError("invalid_input", message, errors[0]?.field, errors);
}

/** Top-level parts of a definition that differ between two (a revision's "what changed"). */
export function changedParts(before: PassTypeDefinition | null, after: PassTypeDefinition): string[] {
  if (!before) return Object.keys(after).sort();
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.filter((k) => stableJson((before as Record<string, unknown>)[k]) !== stableJson((after as Record<string, unknown>)[k]));
}

/** JSON with object keys sorted (jsonb does not keep key order). */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  ) ?? "undefined";
}
