/**
 * The one mapping from Passflow's platform-neutral pass type definition
 * (server/pass-types/definition.ts) to Google Wallet: a pass type → a class, a pass → an object
 * of that class. Pure functions (no I/O), so what Google receives is decided here alone.
 *
 * - Resource by style: storeCard → loyalty (`loyaltyClass` / `loyaltyObject`), coupon → offer,
 *   anything else → generic (https://developers.google.com/wallet/reference/rest).
 * - Class id `<issuerId>.<passType key>`, object id `<issuerId>.<serialNumber>` (Google ids are
 *   "issuer ID.identifier", alphanumerics, `.`, `_`, `-`): stable across pass type conversions.
 * - Class: issuer and program name, logo (`programLogo`, `titleImage`, `logo`) and hero image
 *   (strip) at Passflow's public image URLs, background colour (`hexBackgroundColor`), the
 *   locations, the callback URL, and LocalizedString texts from the definition's localizations.
 * - Object: state (INACTIVE when voided, EXPIRED past its expiration date, else ACTIVE),
 *   `validTimeInterval` from the expiration date, the barcode (templates rendered as for Apple),
 *   loyalty points from the first number field of a store card (a number: `balance.int`, or
 *   `balance.double`), the first currency field as secondary points (`balance.money`), every
 *   other field with a value as a text module (header = label, body = value).
 */
import { DEFAULT_BARCODE, renderTemplate, stableJson, type FieldDefinition, type PassTypeDefinition } from "@/server/pass-types/definition";
import type { GoogleResource } from "./api";

/** Which REST resources a pass type maps to. */
export type GoogleKind = "loyalty" | "offer" | "generic";

/** Google's object state (https://developers.google.com/wallet/reference/rest/v1/State). */
export type GoogleState = "ACTIVE" | "EXPIRED" | "INACTIVE";

/** The language of the definition's own texts (translations are in `localizations`). */
export const DEFAULT_LANGUAGE = "en";

export function googleKind(style: PassTypeDefinition["style"]): GoogleKind {
  return style === "storeCard" ? "loyalty" : style === "coupon" ? "offer" : "generic";
}

export const classResource = (kind: GoogleKind): GoogleResource => `${kind}Class`;
export const objectResource = (kind: GoogleKind): GoogleResource => `${kind}Object`;

/** Google ids allow alphanumerics, `.`, `_` and `-` after the issuer id. */
function idPart(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, "_");
}

export const googleClassId = (issuerId: string, passTypeKey: string) => `${issuerId}.${idPart(passTypeKey)}`;
export const googleObjectId = (issuerId: string, serialNumber: string) => `${issuerId}.${idPart(serialNumber)}`;

/** The save link's JWT payload key of a kind (`loyaltyObjects`, …). */
export const savePayloadKey = (kind: GoogleKind) => `${kind}Objects` as const;

/** "rgb(16, 122, 122)" → "#107a7a". */
export function hexColor(rgb: string): string | undefined {
  const m = /^rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)$/.exec(rgb);
  if (!m) return undefined;
  return "#" + [m[1], m[2], m[3]].map((c) => Number(c).toString(16).padStart(2, "0")).join("");
}

/** Google's LocalizedString of a text, its translations from the definition's localizations. */
export function localizedString(definition: PassTypeDefinition, value: string) {
  const translatedValues = Object.entries(definition.localizations ?? {})
    .map(([language, l]) => ({ language, value: l.strings?.[value] }))
    .filter((t): t is { language: string; value: string } => typeof t.value === "string" && t.language !== DEFAULT_LANGUAGE);
  return { defaultValue: { language: DEFAULT_LANGUAGE, value }, ...(translatedValues.length ? { translatedValues } : {}) };
}

/** The largest of an image role's files (`logo@3x.png`, then @2x, then @1x). */
export function bestImage(definition: PassTypeDefinition, role: "logo" | "strip" | "icon"): string | undefined {
  return [`${role}@3x.png`, `${role}@2x.png`, `${role}.png`].find((n) => definition.images[n] !== undefined);
}

/** Where a pass type's images are served publicly (Google fetches them). */
export type ImageUrl = (name: string) => string;

function image(definition: PassTypeDefinition, name: string | undefined, imageUrl: ImageUrl, description: string) {
  if (!name) return undefined;
  return { sourceUri: { uri: imageUrl(name) }, contentDescription: localizedString(definition, description) };
}

/** What a class is built from. */
export interface ClassInput {
  issuerId: string;
  passTypeKey: string;
  definition: PassTypeDefinition;
  imageUrl: ImageUrl;
  /** The tenant's callback URL (`/api/{tenant}/google-wallet/callback`). */
  callbackUrl: string;
}

/** The class body of a pass type (insert and PATCH; `reviewStatus` is added for an insert). */
export function googleClass(input: ClassInput): { resource: GoogleResource; id: string; body: Record<string, unknown> } {
  const d = input.definition;
  const kind = googleKind(d.style);
  const id = googleClassId(input.issuerId, input.passTypeKey);
  const logo = image(d, bestImage(d, "logo") ?? bestImage(d, "icon"), input.imageUrl, d.organizationName);
  const hero = image(d, bestImage(d, "strip"), input.imageUrl, d.description);
  const common: Record<string, unknown> = {
    id,
    issuerName: d.organizationName,
    localizedIssuerName: localizedString(d, d.organizationName),
    hexBackgroundColor: hexColor(d.backgroundColor),
    ...(hero ? { heroImage: hero } : {}),
    ...(d.locations?.length ? { locations: d.locations.map((l) => ({ latitude: l.latitude, longitude: l.longitude })) } : {}),
    callbackOptions: { url: input.callbackUrl },
    multipleDevicesAndHoldersAllowedStatus: "ONE_USER_ALL_DEVICES",
  };
  const programName = d.logoText || d.description;
  const body =
    kind === "loyalty"
      ? { ...common, programName, localizedProgramName: localizedString(d, programName), ...(logo ? { programLogo: logo } : {}) }
      : kind === "offer"
        ? { ...common, title: d.description, localizedTitle: localizedString(d, d.description), provider: d.organizationName, localizedProvider: localizedString(d, d.organizationName), redemptionChannel: "BOTH", ...(logo ? { titleImage: logo } : {}) }
        : { id, ...(d.locations?.length ? { locations: common.locations } : {}), callbackOptions: common.callbackOptions, multipleDevicesAndHoldersAllowedStatus: common.multipleDevicesAndHoldersAllowedStatus };
  return { resource: classResource(kind), id, body: dropUndefined(body) };
}

/** What an object is built from: the pass as the Apple pass is built from it (server/wallet/pass-json.ts). */
export interface ObjectInput {
  issuerId: string;
  passTypeKey: string;
  definition: PassTypeDefinition;
  imageUrl: ImageUrl;
  serialNumber: string;
  data: Record<string, unknown>;
  voided: boolean;
  customerId: string | null;
  identifiers: Record<string, string>;
  now?: Date;
}

const BARCODE_TYPES = { QR: "QR_CODE", PDF417: "PDF_417", Aztec: "AZTEC", Code128: "CODE_128" } as const;

/** A field's value as a text module's body (numbers as written, currency with its code, dates as given). */
function displayValue(f: FieldDefinition, value: unknown): string {
  if (f.type === "currency" && typeof value === "number") return `${value.toFixed(2)} ${f.currencyCode ?? ""}`.trim();
  return String(value);
}

function expiration(d: PassTypeDefinition, data: Record<string, unknown>): string | undefined {
  const source = d.expirationDate;
  if (!source) return undefined;
  if ("value" in source) return source.value;
  const v = data[source.field];
  return typeof v === "string" && v ? v : undefined;
}

/** The object state of a pass: voided → INACTIVE, past its expiration → EXPIRED, else ACTIVE. */
export function googleState(d: PassTypeDefinition, pass: { voided: boolean; data: Record<string, unknown> }, now = new Date()): GoogleState {
  if (pass.voided || d.voided) return "INACTIVE";
  const end = expiration(d, pass.data);
  if (end && Date.parse(end) < now.getTime()) return "EXPIRED";
  return "ACTIVE";
}

/** A number as Google's LoyaltyPointsBalance: `int` for whole numbers, else `double`. */
function pointsBalance(value: number) {
  return Number.isInteger(value) ? { int: value } : { double: value };
}

/** The object body of a pass (insert; its keys are compared for a PATCH). */
export function googleObject(input: ObjectInput): { resource: GoogleResource; id: string; classId: string; state: GoogleState; body: Record<string, unknown> } {
  const d = input.definition;
  const kind = googleKind(d.style);
  const id = googleObjectId(input.issuerId, input.serialNumber);
  const classId = googleClassId(input.issuerId, input.passTypeKey);
  const state = googleState(d, input, input.now);
  const valueOf = (f: FieldDefinition) => {
    const v = input.data[f.key];
    return v === undefined || v === null || v === "" ? f.default : v;
  };
  const withValue = d.fields.filter((f) => valueOf(f) !== undefined);
  const pointsField = kind === "loyalty" ? (withValue.find((f) => f.type === "number" && f.slot === "primaryFields") ?? withValue.find((f) => f.type === "number")) : undefined;
  const balanceField = kind === "loyalty" ? withValue.find((f) => f.type === "currency") : undefined;
  const points = (f: FieldDefinition | undefined) => {
    const v = f && Number(valueOf(f));
    return f && Number.isFinite(v) ? { label: f.label, localizedLabel: localizedString(d, f.label), balance: pointsBalance(v as number) } : undefined;
  };
  const money = (f: FieldDefinition | undefined) => {
    const v = f && Number(valueOf(f));
    return f && Number.isFinite(v)
      ? { label: f.label, localizedLabel: localizedString(d, f.label), balance: { money: { micros: String(Math.round((v as number) * 1_000_000)), currencyCode: f.currencyCode ?? "USD" } } }
      : undefined;
  };
  const textModulesData = withValue
    .filter((f) => f !== pointsField && f !== balanceField)
    .map((f) => ({ id: idPart(f.key), header: f.label || f.key, body: displayValue(f, valueOf(f)), ...(f.label ? { localizedHeader: localizedString(d, f.label) } : {}) }));

  const barcodeDef = d.barcode === undefined ? DEFAULT_BARCODE : d.barcode;
  const render = (text: string) => renderTemplate(text, { serialNumber: input.serialNumber, customerId: input.customerId, identifiers: input.identifiers });
  const barcodeValue = barcodeDef ? render(barcodeDef.message) || input.serialNumber : undefined;
  const alternateText = barcodeDef?.altText !== undefined ? render(barcodeDef.altText) : undefined;
  const end = expiration(d, input.data);

  const body: Record<string, unknown> = {
    id,
    classId,
    state,
    ...(barcodeDef ? { barcode: { type: BARCODE_TYPES[barcodeDef.format], value: barcodeValue, ...(alternateText ? { alternateText } : {}) } } : {}),
    ...(end ? { validTimeInterval: { end: { date: end } } } : {}),
    textModulesData,
  };
  if (kind === "loyalty") {
    body.accountId = input.customerId ?? input.serialNumber;
    const p = points(pointsField);
    const b = money(balanceField);
    if (p) body.loyaltyPoints = p;
    if (b) body[p ? "secondaryLoyaltyPoints" : "loyaltyPoints"] = b;
  }
  if (kind === "generic") {
    const logo = image(d, bestImage(d, "logo") ?? bestImage(d, "icon"), input.imageUrl, d.organizationName);
    const hero = image(d, bestImage(d, "strip"), input.imageUrl, d.description);
    Object.assign(body, {
      cardTitle: localizedString(d, d.organizationName),
      header: localizedString(d, d.logoText || d.description),
      hexBackgroundColor: hexColor(d.backgroundColor),
      ...(logo ? { logo } : {}),
      ...(hero ? { heroImage: hero } : {}),
    });
  }
  if (d.locations?.length) body.locations = d.locations.map((l) => ({ latitude: l.latitude, longitude: l.longitude }));
  return { resource: objectResource(kind), id, classId, state, body: dropUndefined(body) };
}

/** Top-level keys whose values differ between the object as last written and as it is now. */
export function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.filter((k) => stableJson(before[k]) !== stableJson(after[k]));
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** What the console's Google preview draws: the card as Google Wallet would show it, from the class and object bodies. */
export interface GooglePreview {
  title: string;
  subtitle: string | null;
  /** `#rrggbb`, or null (Google's default). */
  backgroundColor: string | null;
  logoUrl: string | null;
  /** The loyalty points (or balance) line. */
  points: { label: string; value: string } | null;
  modules: { header: string; body: string }[];
  barcode: { type: string; value: string; alternateText: string | null } | null;
  state: string;
}

type Json = Record<string, unknown>;
const text = (v: unknown): string | null => (typeof v === "string" ? v : v && typeof v === "object" ? text((v as Json).defaultValue && ((v as Json).defaultValue as Json).value) : null);
const uri = (v: unknown): string | null => (v && typeof v === "object" ? text(((v as Json).sourceUri as Json | undefined)?.uri) : null);

function balanceText(balance: unknown): string | null {
  const b = (balance ?? {}) as Json;
  if (typeof b.int === "number" || typeof b.double === "number") return String(b.int ?? b.double);
  const money = b.money as Json | undefined;
  if (money && typeof money.micros === "string") return `${(Number(money.micros) / 1_000_000).toFixed(2)} ${String(money.currencyCode ?? "")}`.trim();
  return typeof b.string === "string" ? b.string : null;
}

/**
 * The preview of a Google Wallet pass from its class and object bodies (the Google Wallet REST
 * resources: loyaltyClass/loyaltyObject, offerClass/offerObject, genericObject), for the console.
 */
export function googlePreview(classBody: Json, objectBody: Json): GooglePreview {
  const points = objectBody.loyaltyPoints as Json | undefined;
  const barcode = objectBody.barcode as Json | undefined;
  return {
    title: text(classBody.programName) ?? text(classBody.title) ?? text(objectBody.cardTitle) ?? text(classBody.issuerName) ?? "",
    subtitle: text(classBody.issuerName) ?? text(classBody.provider) ?? text(objectBody.header),
    backgroundColor: text(classBody.hexBackgroundColor) ?? text(objectBody.hexBackgroundColor),
    logoUrl: uri(classBody.programLogo) ?? uri(classBody.titleImage) ?? uri(objectBody.logo),
    points: points ? { label: text(points.label) ?? "", value: balanceText(points.balance) ?? "" } : null,
    modules: ((objectBody.textModulesData as Json[] | undefined) ?? []).map((m) => ({ header: text(m.header) ?? "", body: text(m.body) ?? "" })),
    barcode: barcode ? { type: String(barcode.type ?? ""), value: String(barcode.value ?? ""), alternateText: text(barcode.alternateText) } : null,
    state: String(objectBody.state ?? ""),
  };
}
