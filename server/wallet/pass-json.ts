/**
 * A pass type definition (server/pass-types/definition.ts) as Apple's pass.json, and back: the one
 * place the platform-neutral names meet Apple's keys and constants (Apple "Pass",
 * "PassFieldContent", "Barcodes", "Locations", "Beacons"; developer.apple.com/documentation/
 * walletpasses).
 *
 * - `passJson(definition, pass)`: the pass.json of one pass version (what a build signs).
 * - `modelPassJson(definition, ids)`: the pass.json of a pass model folder (what `passtype export`
 *   writes): each field's default as its value, barcode templates as written, fixed dates, and a
 *   `passflow` key for what pass.json cannot say (field types, a date taken from a field, "no
 *   barcode"), so `definitionFromPassJson` reads it back into the same definition.
 * - `definitionFromPassJson(passJson)`: a pass model's or a .pkpass's pass.json as a definition
 *   (not yet validated; images and localizations are added by the caller), field values becoming
 *   defaults; keys Passflow does not model are kept in `apple.passJson`.
 *
 * Dates are written as Apple requires: `YYYY-MM-DDTHH:MM:SSZ` (no fractions of a second).
 */
import type { FieldDefinition, FieldSlot, PassTypeDefinition } from "@/server/pass-types/definition";
import { APPLE_RESERVED_KEYS, DEFAULT_BARCODE, FIELD_SLOTS, PASS_STYLES, renderTemplate } from "@/server/pass-types/definition";
import { coerceFieldValue } from "@/server/pass-types/fields";
import type { DomainFieldError } from "@/server/platform/errors";

/** Neutral value → Apple constant, per property. */
const APPLE = {
  barcodeFormat: { QR: "PKBarcodeFormatQR", PDF417: "PKBarcodeFormatPDF417", Aztec: "PKBarcodeFormatAztec", Code128: "PKBarcodeFormatCode128" },
  dateStyle: { none: "PKDateStyleNone", short: "PKDateStyleShort", medium: "PKDateStyleMedium", long: "PKDateStyleLong", full: "PKDateStyleFull" },
  numberStyle: { decimal: "PKNumberStyleDecimal", percent: "PKNumberStylePercent", scientific: "PKNumberStyleScientific", spellOut: "PKNumberStyleSpellOut" },
  textAlignment: { left: "PKTextAlignmentLeft", center: "PKTextAlignmentCenter", right: "PKTextAlignmentRight", natural: "PKTextAlignmentNatural" },
  dataDetectorTypes: { phoneNumber: "PKDataDetectorTypePhoneNumber", link: "PKDataDetectorTypeLink", address: "PKDataDetectorTypeAddress", calendarEvent: "PKDataDetectorTypeCalendarEvent" },
  transitType: { air: "PKTransitTypeAir", boat: "PKTransitTypeBoat", bus: "PKTransitTypeBus", train: "PKTransitTypeTrain", generic: "PKTransitTypeGeneric" },
} as const;
type AppleTable = keyof typeof APPLE;

function toApple<T extends AppleTable>(table: T, value: keyof (typeof APPLE)[T] & string): string {
  return (APPLE[table] as Record<string, string>)[value]!;
}

/** An Apple constant as the neutral value; an unknown constant is returned as it is (validation then names it). */
function fromApple(table: AppleTable, value: unknown): unknown {
  const hit = Object.entries(APPLE[table]).find(([, apple]) => apple === value);
  return hit ? hit[0] : value;
}

/** An instant as Apple writes dates (`2026-12-31T17:00:00Z`), or undefined when `value` is not a date. */
export function appleDate(value: unknown): string | undefined {
  const date = value instanceof Date ? value : typeof value === "string" && value.trim() !== "" ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) return undefined;
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** One pass.json field (Apple "PassFieldContent"). */
export type PassFieldContent = Record<string, unknown> & { key: string; value: string | number };

/**
 * The pass.json field for one definition and value (Apple "PassFieldContent"), or undefined when
 * the value is empty. Numbers and currencies become JSON numbers when they parse; dates become
 * Apple dates (a bare date is midnight, shown without time and time zone; without a dateStyle a
 * date shows medium, with a short time unless it is a bare date); text is a string. The field's
 * options (changeMessage, textAlignment, numberStyle, dataDetectorTypes…) are written in Apple's
 * constants.
 */
export function passField(def: FieldDefinition, value: unknown): PassFieldContent | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const base: Record<string, unknown> = { key: def.key, label: def.label };
  if (def.changeMessage) base.changeMessage = def.changeMessage;
  if (def.textAlignment) base.textAlignment = toApple("textAlignment", def.textAlignment);
  if (def.dataDetectorTypes) base.dataDetectorTypes = def.dataDetectorTypes.map((d) => toApple("dataDetectorTypes", d));
  const asNumber = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  switch (def.type) {
    case "number":
      if (!Number.isFinite(asNumber)) return { ...base, key: def.key, value: String(value) };
      return { ...base, key: def.key, value: asNumber, ...(def.numberStyle ? { numberStyle: toApple("numberStyle", def.numberStyle) } : {}) };
    case "currency":
      return Number.isFinite(asNumber) ? { ...base, key: def.key, value: asNumber, currencyCode: def.currencyCode ?? "USD" } : { ...base, key: def.key, value: String(value) };
    case "date": {
      const text = value instanceof Date ? value.toISOString() : String(value);
      const dateOnly = DATE_ONLY.test(text);
      const written = appleDate(dateOnly ? `${text}T00:00:00Z` : text);
      if (!written) return { ...base, key: def.key, value: text };
      return {
        ...base,
        key: def.key,
        value: written,
        dateStyle: toApple("dateStyle", def.dateStyle ?? "medium"),
        timeStyle: toApple("dateStyle", def.timeStyle ?? (dateOnly ? "none" : "short")),
        ...((def.ignoresTimeZone ?? dateOnly) ? { ignoresTimeZone: true } : {}),
        ...(def.isRelative ? { isRelative: true } : {}),
      };
    }
    default:
      return { ...base, key: def.key, value: String(value) };
  }
}

/** What one pass version adds to its type's definition. */
export interface PassValues {
  serialNumber: string;
  authenticationToken: string;
  webServiceURL: string;
  passTypeIdentifier: string;
  teamIdentifier: string;
  /** The pass's field values (typed as stored). */
  data: Record<string, unknown>;
  /** The pass's metadata: its colors win over the definition's (they are the pass's look when it was last computed). */
  metadata: Record<string, unknown>;
  voided: boolean;
  /** The notification budget muted this version: every changeMessage is left out (no lock-screen message). */
  alertsMuted?: boolean;
  /** The lock-screen message of the last publication that had one (`NOTICE_FIELD_KEY`). */
  notice?: string | null;
  /** For barcode templates. */
  customerId: string | null;
  identifiers: Record<string, string>;
}

function metadataColor(metadata: Record<string, unknown>, key: string, fallback: string): string {
  const v = metadata[key];
  return typeof v === "string" && v ? v : fallback;
}

/**
 * The style's dictionary: transitType and each slot's fields in definition order. A key seen
 * before (stored before definitions were validated) is left out: Wallet refuses a whole pass that
 * repeats one, so the pass still installs, without the repeat.
 */
function styleBlock(definition: PassTypeDefinition, valueOf: (f: FieldDefinition) => unknown, keepEmpty: boolean): Record<string, unknown> {
  const block: Record<string, unknown> = {};
  if (definition.transitType) block.transitType = toApple("transitType", definition.transitType);
  const written = new Set<string>();
  for (const slot of FIELD_SLOTS) {
    const fields: PassFieldContent[] = [];
    for (const def of definition.fields) {
      if (def.slot !== slot || written.has(def.key)) continue;
      written.add(def.key);
      const value = valueOf(def);
      const field = passField(def, value) ?? (keepEmpty ? fieldOptions(def) : undefined);
      if (field) fields.push(field);
    }
    if (fields.length || keepEmpty) block[slot] = fields;
  }
  return block;
}

/** A field's pass.json keys but its value (for a model field without a default). */
function fieldOptions(def: FieldDefinition): PassFieldContent {
  const probe = def.type === "date" ? "2000-01-01T00:00:00Z" : def.type === "text" ? "x" : 0;
  return { ...passField(def, probe)!, key: def.key, value: "" };
}

function dateFrom(source: PassTypeDefinition["relevantDate"], data: Record<string, unknown>): string | undefined {
  if (!source) return undefined;
  if ("value" in source) return source.value;
  return appleDate(data[source.field]);
}

/**
 * The back field a publication's lock-screen message is written in (`passtype publish --notify`):
 * its changeMessage "%@" makes Wallet show the new text on the lock screen when it changes.
 */
export const NOTICE_FIELD_KEY = "passflowNotice";

/** The style block with the notice as its last back field, and every changeMessage removed when muted. */
function withNoticeAndBudget(block: Record<string, unknown>, pass: Pick<PassValues, "notice" | "alertsMuted">): Record<string, unknown> {
  if (pass.notice) {
    const back = (block.backFields as PassFieldContent[] | undefined) ?? [];
    if (!back.some((f) => f.key === NOTICE_FIELD_KEY)) block.backFields = [...back, { key: NOTICE_FIELD_KEY, label: "Update", value: pass.notice, changeMessage: "%@" }];
  }
  if (pass.alertsMuted) {
    for (const slot of FIELD_SLOTS) {
      const fields = block[slot] as PassFieldContent[] | undefined;
      if (fields) block[slot] = fields.map((f) => Object.fromEntries(Object.entries(f).filter(([k]) => k !== "changeMessage")) as PassFieldContent);
    }
  }
  return block;
}

/**
 * The pass.json of one pass version: the definition filled with the pass's values (a field with
 * no value shows its default, or is left out), barcode templates rendered, relevantDate and
 * expirationDate fixed or from their field, voided when the definition or the pass says so; the
 * publication's notice as the last back field; no changeMessage in a version the notification
 * budget muted.
 */
export function passJson(definition: PassTypeDefinition, pass: PassValues): Record<string, unknown> {
  const barcode = definition.barcode === undefined ? DEFAULT_BARCODE : definition.barcode;
  const relevantDate = dateFrom(definition.relevantDate, pass.data);
  const expirationDate = dateFrom(definition.expirationDate, pass.data);
  const render = (text: string) => renderTemplate(text, { serialNumber: pass.serialNumber, customerId: pass.customerId, identifiers: pass.identifiers });
  return {
    formatVersion: 1,
    passTypeIdentifier: pass.passTypeIdentifier,
    teamIdentifier: pass.teamIdentifier,
    serialNumber: pass.serialNumber,
    authenticationToken: pass.authenticationToken,
    webServiceURL: pass.webServiceURL,
    organizationName: definition.organizationName,
    description: definition.description,
    ...(definition.logoText ? { logoText: definition.logoText } : {}),
    backgroundColor: metadataColor(pass.metadata, "backgroundColor", definition.backgroundColor),
    foregroundColor: metadataColor(pass.metadata, "foregroundColor", definition.foregroundColor),
    labelColor: metadataColor(pass.metadata, "labelColor", definition.labelColor),
    ...definition.apple?.passJson,
    ...(barcode
      ? {
          barcodes: [
            {
              format: toApple("barcodeFormat", barcode.format),
              message: render(barcode.message),
              ...(barcode.altText !== undefined && render(barcode.altText) !== "" ? { altText: render(barcode.altText) } : {}),
              messageEncoding: barcode.encoding,
            },
          ],
        }
      : {}),
    ...(definition.locations?.length ? { locations: definition.locations } : {}),
    ...(definition.beacons?.length ? { beacons: definition.beacons } : {}),
    ...(relevantDate ? { relevantDate } : {}),
    ...(expirationDate ? { expirationDate } : {}),
    ...(pass.voided || definition.voided ? { voided: true } : {}),
    [definition.style]: withNoticeAndBudget(styleBlock(definition, (f) => pass.data[f.key] ?? f.default, false), pass),
  };
}

/** What a model's pass.json says that pass.json itself cannot (module comment). */
interface PassflowSection {
  types?: Record<string, FieldDefinition["type"]>;
  relevantDate?: { field: string };
  expirationDate?: { field: string };
  barcode?: null;
}

/**
 * The pass.json of a pass model folder for `definition` (module comment). Deterministic: the same
 * definition gives the same bytes (`JSON.stringify(…, null, 2)`).
 */
export function modelPassJson(definition: PassTypeDefinition, ids: { passTypeIdentifier: string; teamIdentifier: string }): Record<string, unknown> {
  const passflow: PassflowSection = {
    types: Object.fromEntries(definition.fields.map((f) => [f.key, f.type])),
    ...(definition.relevantDate && "field" in definition.relevantDate ? { relevantDate: { field: definition.relevantDate.field } } : {}),
    ...(definition.expirationDate && "field" in definition.expirationDate ? { expirationDate: { field: definition.expirationDate.field } } : {}),
    ...(definition.barcode === null ? { barcode: null } : {}),
  };
  const barcode = definition.barcode;
  return {
    formatVersion: 1,
    passTypeIdentifier: ids.passTypeIdentifier,
    teamIdentifier: ids.teamIdentifier,
    organizationName: definition.organizationName,
    description: definition.description,
    ...(definition.logoText !== undefined ? { logoText: definition.logoText } : {}),
    backgroundColor: definition.backgroundColor,
    foregroundColor: definition.foregroundColor,
    labelColor: definition.labelColor,
    ...definition.apple?.passJson,
    ...(barcode
      ? {
          barcodes: [
            {
              format: toApple("barcodeFormat", barcode.format),
              message: barcode.message,
              ...(barcode.altText !== undefined ? { altText: barcode.altText } : {}),
              messageEncoding: barcode.encoding,
            },
          ],
        }
      : {}),
    ...(definition.locations ? { locations: definition.locations } : {}),
    ...(definition.beacons ? { beacons: definition.beacons } : {}),
    ...(definition.relevantDate && "value" in definition.relevantDate ? { relevantDate: definition.relevantDate.value } : {}),
    ...(definition.expirationDate && "value" in definition.expirationDate ? { expirationDate: definition.expirationDate.value } : {}),
    ...(definition.voided !== undefined ? { voided: definition.voided } : {}),
    [definition.style]: styleBlock(definition, (f) => f.default, true),
    passflow,
  };
}

/** pass.json keys one pass carries, never a design: dropped on import. */
const PER_PASS_KEYS = new Set(["formatVersion", "serialNumber", "authenticationToken", "webServiceURL", "passTypeIdentifier", "teamIdentifier", "passflow"]);
/** PassFieldContent keys the definition models. */
const FIELD_KEYS = new Set(["key", "label", "value", "changeMessage", "currencyCode", "dateStyle", "timeStyle", "ignoresTimeZone", "isRelative", "numberStyle", "textAlignment", "dataDetectorTypes"]);

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

/** The field definition a pass.json field stands for (its value as the default). */
function fieldFromPassJson(raw: Record<string, unknown>, slot: FieldSlot, declaredType: FieldDefinition["type"] | undefined, path: string, warnings: DomainFieldError[]): Record<string, unknown> {
  const type =
    declaredType ??
    (raw.currencyCode !== undefined ? "currency" : raw.dateStyle !== undefined || raw.timeStyle !== undefined || raw.isRelative !== undefined || raw.ignoresTimeZone !== undefined ? "date" : typeof raw.value === "number" ? "number" : "text");
  const field: Record<string, unknown> = { key: raw.key, label: raw.label ?? "", type, slot };
  if (raw.changeMessage !== undefined) field.changeMessage = raw.changeMessage;
  if (raw.currencyCode !== undefined) field.currencyCode = raw.currencyCode;
  if (raw.dateStyle !== undefined) field.dateStyle = fromApple("dateStyle", raw.dateStyle);
  if (raw.timeStyle !== undefined) field.timeStyle = fromApple("dateStyle", raw.timeStyle);
  if (raw.ignoresTimeZone !== undefined) field.ignoresTimeZone = raw.ignoresTimeZone;
  if (raw.isRelative !== undefined) field.isRelative = raw.isRelative;
  if (raw.numberStyle !== undefined) field.numberStyle = fromApple("numberStyle", raw.numberStyle);
  if (raw.textAlignment !== undefined) field.textAlignment = fromApple("textAlignment", raw.textAlignment);
  if (Array.isArray(raw.dataDetectorTypes)) field.dataDetectorTypes = raw.dataDetectorTypes.map((d) => fromApple("dataDetectorTypes", d));
  if (raw.value !== undefined && raw.value !== "" && raw.value !== null) {
    // typed as a Klaviyo value would be; a value that cannot be typed stays as it is, for validation to name
    let typed: unknown = raw.value;
    try {
      typed = coerceFieldValue(field as FieldDefinition, raw.value as string | number, `${path}.default`) ?? raw.value;
    } catch {
      /* left for validation */
    }
    field.default = typed;
  }
  for (const k of Object.keys(raw)) if (!FIELD_KEYS.has(k)) warnings.push({ field: `${path}.${k}`, message: "is not kept (Passflow does not model this field key)" });
  return field;
}

/**
 * A pass.json as a definition (unvalidated: `validateDefinition` names what is wrong), with
 * warnings for what was not kept. Images and localizations are not in pass.json: the caller adds them.
 */
export function definitionFromPassJson(json: Record<string, unknown>): { definition: Record<string, unknown>; warnings: DomainFieldError[] } {
  const warnings: DomainFieldError[] = [];
  const passflow = (isObject(json.passflow) ? json.passflow : {}) as PassflowSection;
  const style = PASS_STYLES.find((s) => isObject(json[s]));
  const block = (style ? json[style] : {}) as Record<string, unknown>;
  const fields: Record<string, unknown>[] = [];
  let index = 0;
  for (const slot of FIELD_SLOTS) {
    const list = block[slot];
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      fields.push(fieldFromPassJson(isObject(raw) ? raw : {}, slot, passflow.types?.[String((raw as { key?: unknown })?.key)], `fields[${index++}]`, warnings));
    }
  }
  for (const k of Object.keys(block)) {
    if (k !== "transitType" && !(FIELD_SLOTS as readonly string[]).includes(k)) warnings.push({ field: `${style}.${k}`, message: "is not kept (Passflow does not model it)" });
  }
  const rawBarcode = Array.isArray(json.barcodes) ? json.barcodes[0] : json.barcode;
  const barcode = isObject(rawBarcode)
    ? {
        format: fromApple("barcodeFormat", rawBarcode.format),
        message: rawBarcode.message,
        ...(rawBarcode.altText !== undefined ? { altText: rawBarcode.altText } : {}),
        encoding: rawBarcode.messageEncoding ?? "iso-8859-1",
      }
    : passflow.barcode === null
      ? null
      : undefined;
  const dateSource = (which: "relevantDate" | "expirationDate") => (passflow[which] ? { field: passflow[which].field } : json[which] !== undefined ? { value: json[which] } : undefined);
  const apple: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(json)) {
    if (!PER_PASS_KEYS.has(k) && !APPLE_RESERVED_KEYS.has(k)) apple[k] = v;
  }
  const definition: Record<string, unknown> = {
    style: style ?? json.style,
    ...(block.transitType !== undefined ? { transitType: fromApple("transitType", block.transitType) } : {}),
    organizationName: json.organizationName,
    description: json.description,
    ...(json.logoText !== undefined ? { logoText: json.logoText } : {}),
    backgroundColor: json.backgroundColor,
    foregroundColor: json.foregroundColor,
    labelColor: json.labelColor,
    images: {},
    fields,
    ...(barcode !== undefined ? { barcode } : {}),
    ...(json.locations !== undefined ? { locations: json.locations } : {}),
    ...(json.beacons !== undefined ? { beacons: json.beacons } : {}),
    ...(dateSource("relevantDate") ? { relevantDate: dateSource("relevantDate") } : {}),
    ...(dateSource("expirationDate") ? { expirationDate: dateSource("expirationDate") } : {}),
    ...(json.voided !== undefined ? { voided: json.voided } : {}),
    ...(Object.keys(apple).length ? { apple: { passJson: apple } } : {}),
  };
  return { definition, warnings };
}
