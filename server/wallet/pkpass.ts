/**
 * Builds a pass's .pkpass (Apple "Wallet Passes": "Creating the source for a pass", the pass.json
 * keys, and "Building a pass": manifest.json with the SHA-1 of every file and a detached PKCS#7
 * signature by the Pass Type ID certificate with the WWDR intermediate).
 *
 * passkit-generator makes and validates pass.json (props, fields, barcodes) and says which
 * files the bundle holds; manifest.json, the signature (./pass-signature.ts, native crypto with a
 * key parsed once per certificate) and the zip (fflate, stored entries) are made here:
 * passkit-generator 3.6.1 has no way to supply a signature (getAsBuffer, getAsStream and getAsRaw all sign with
 * node-forge, in JavaScript, which was nearly all of a build's time).
 *
 * A pass type's model (images decoded, template colors and texts) is prepared once per pass type
 * revision; a build fills it with one pass version: serialNumber, authenticationToken,
 * webServiceURL, the fields its data fills (typed per field definition, each in its slot, with
 * its changeMessage), colors from the pass's metadata, a QR barcode and `voided`.
 */
import { createHash } from "node:crypto";
import { PKPass, PassType as PKPassType } from "passkit-generator";
import type { PassType } from "@prisma/client";
import { fieldDefinitions, passImages, passTemplate, type FieldDefinition, type FieldSlot, type PassTemplate } from "@/server/pass-types/pass-types";
import { signManifest } from "./pass-signature";
import type { SigningCredentials } from "./signing";
import { zipSync } from "fflate";

/** The entries' modification time (fflate writes MS-DOS time, from 1980). */
const ZIP_TIME = new Date("1980-01-01T00:00:00Z");

type Style = PassType["style"];
type TransitType = "PKTransitTypeAir" | "PKTransitTypeBoat" | "PKTransitTypeBus" | "PKTransitTypeGeneric" | "PKTransitTypeTrain";

/** A pass type prepared for building: what every pass of the type shares. */
export interface PassModel {
  /** `<passType.id>@<updatedAt ms>`: changes when the pass type is edited. */
  revision: string;
  style: Style;
  passTypeIdentifier: string;
  teamIdentifier: string;
  template: PassTemplate & { transitType?: TransitType };
  fields: FieldDefinition[];
  /** Image files (icon.png, logo@2x.png…) as bytes. */
  files: Record<string, Buffer>;
}

/** One pass version to build. */
export interface PassContent {
  serialNumber: string;
  authenticationToken: string;
  /** `${PUBLIC_URL}/api/{tenant}/passkit`. */
  webServiceURL: string;
  /** The barcode's message: the customer's id when known, otherwise the serial number. */
  barcodeMessage: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  voided: boolean;
}

const globalModels = globalThis as unknown as { passflowModels?: Map<string, PassModel> };
const models = (globalModels.passflowModels ??= new Map());

function revisionOf(passType: Pick<PassType, "id" | "updatedAt">): string {
  return `${passType.id}@${passType.updatedAt.getTime()}`;
}

/** The prepared model of this pass type revision if it is in memory (no need to load images). */
export function cachedPassModel(passType: Pick<PassType, "id" | "updatedAt">): PassModel | undefined {
  const hit = models.get(passType.id);
  return hit?.revision === revisionOf(passType) ? hit : undefined;
}

/** The prepared model of a pass type row, cached per revision. */
export function passModel(passType: Pick<PassType, "id" | "updatedAt" | "style" | "passTypeIdentifier" | "teamIdentifier" | "template" | "images" | "fields">): PassModel {
  const hit = cachedPassModel(passType);
  if (hit) return hit;
  const revision = revisionOf(passType);
  const images = passImages(passType);
  const model: PassModel = {
    revision,
    style: passType.style,
    passTypeIdentifier: passType.passTypeIdentifier,
    teamIdentifier: passType.teamIdentifier,
    template: passTemplate<PassModel["template"]>(passType),
    fields: fieldDefinitions(passType),
    files: Object.fromEntries(Object.entries(images).map(([name, b64]) => [name, Buffer.from(b64, "base64")])),
  };
  models.set(passType.id, model);
  return model;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The pass.json field for one definition and value (Apple "PassFieldContent"), or undefined when
 * the value is empty. Numbers and currencies become JSON numbers when they parse; dates become
 * ISO 8601 (a bare date is midnight, shown without time and time zone); text is a string.
 */
export function passField(def: FieldDefinition, value: unknown) {
  if (value === undefined || value === null || value === "") return undefined;
  const base = { key: def.key, label: def.label, ...(def.changeMessage ? { changeMessage: def.changeMessage } : {}) };
  const asNumber = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  switch (def.type) {
    case "number":
      return Number.isFinite(asNumber) ? { ...base, value: asNumber } : { ...base, value: String(value) };
    case "currency":
      return Number.isFinite(asNumber) ? { ...base, value: asNumber, currencyCode: def.currencyCode ?? "USD" } : { ...base, value: String(value) };
    case "date": {
      const text = value instanceof Date ? value.toISOString() : String(value);
      const dateOnly = DATE_ONLY.test(text);
      const date = new Date(dateOnly ? `${text}T00:00:00Z` : text);
      if (Number.isNaN(date.getTime())) return { ...base, value: text };
      return {
        ...base,
        value: date.toISOString().replace(/\.\d{3}Z$/, "Z"),
        dateStyle: "PKDateStyleMedium" as const,
        timeStyle: dateOnly ? ("PKDateStyleNone" as const) : ("PKDateStyleShort" as const),
        ...(dateOnly ? { ignoresTimeZone: true } : {}),
      };
    }
    default:
      return { ...base, value: String(value) };
  }
}

const SLOTS: FieldSlot[] = ["headerFields", "primaryFields", "secondaryFields", "auxiliaryFields", "backFields"];

function color(metadata: Record<string, unknown>, key: "backgroundColor" | "foregroundColor" | "labelColor", fallback: string): string {
  const v = metadata[key];
  return typeof v === "string" && v ? v : fallback;
}

/**
 * Builds and signs one pass version. Pure CPU, mostly the signature (figures: README, "Apple
 * Wallet"); callers go through the build cache (`build-cache.ts`) so a version is built once.
 * @returns the .pkpass zip (images, pass.json, manifest.json, signature)
 * @throws TypeError when passkit-generator rejects a value (bad color, field, barcode)
 */
export function buildPkpass(model: PassModel, content: PassContent, credentials: Pick<SigningCredentials, "signer">): Buffer {
  const t = model.template;
  const pass = new PKPass(model.files, undefined, {
    formatVersion: 1,
    serialNumber: content.serialNumber,
    passTypeIdentifier: model.passTypeIdentifier,
    teamIdentifier: model.teamIdentifier,
    organizationName: t.organizationName,
    description: t.description,
    ...(t.logoText ? { logoText: t.logoText } : {}),
    backgroundColor: color(content.metadata, "backgroundColor", t.backgroundColor),
    foregroundColor: color(content.metadata, "foregroundColor", t.foregroundColor),
    labelColor: color(content.metadata, "labelColor", t.labelColor),
    authenticationToken: content.authenticationToken,
    webServiceURL: content.webServiceURL,
    ...(content.voided ? { voided: true } : {}),
  });
  const type = new PKPassType(model.style);
  if (model.style === "boardingPass") type.transitType = t.transitType ?? "PKTransitTypeGeneric";
  for (const slot of SLOTS) {
    for (const def of model.fields) {
      if (def.slot !== slot) continue;
      const field = passField(def, content.data[def.key]);
      if (field) type[slot].push(field);
    }
  }
  pass.types.push(type);
  pass.setBarcodes({ message: content.barcodeMessage, altText: content.barcodeMessage, format: "PKBarcodeFormatQR", messageEncoding: "iso-8859-1" });

  // What passkit-generator's export would zip: the files it accepted, and its props as pass.json.
  const files: [string, Buffer][] = pass.files.filter((name) => name !== "pass.json").map((name) => [name, model.files[name]!]);
  files.push(["pass.json", Buffer.from(JSON.stringify(pass.props))]);
  const manifest = Buffer.from(JSON.stringify(Object.fromEntries(files.map(([name, bytes]) => [name, createHash("sha1").update(bytes).digest("hex")]))));
  // stored entries (level 0), as passkit-generator's bundles: PNGs are compressed already; a fixed
  // time, so the same files make the same bytes
  const entries = Object.fromEntries([...files, ["manifest.json", manifest], ["signature", signManifest(manifest, credentials.signer)]].map(([name, bytes]) => [name, new Uint8Array(bytes as Buffer)]));
  return Buffer.from(zipSync(entries, { level: 0, mtime: ZIP_TIME }));
}
