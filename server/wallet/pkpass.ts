/**
 * Builds a pass's .pkpass (Apple "Wallet Passes": "Creating the source for a pass", the pass.json
 * keys, and "Building a pass": manifest.json with the SHA-1 of every file and a detached PKCS#7
 * signature by the Pass Type ID certificate with the WWDR intermediate).
 *
 * A pass type's model (its published definition, images decoded, each language's pass.strings
 * encoded) is prepared once per pass type revision; a build fills it with one pass version
 * (`passBundle`: pass.json from ./pass-json.ts — serialNumber, authenticationToken,
 * webServiceURL, the fields its data or their defaults fill, colors from the pass's metadata,
 * the barcode template rendered, dates, `voided` — plus the images and .lproj files), then signs
 * the bundle (`signBundle`): passkit-generator validates pass.json; manifest.json, the signature
 * (./pass-signature.ts, native crypto with a key parsed once per certificate) and the zip
 * (fflate, stored entries) are made here, since passkit-generator 3.6.1 has no way to supply a
 * signature (its exports all sign with node-forge, in JavaScript: nearly all of a build's time).
 */
import { createHash } from "node:crypto";
import { PKPass } from "passkit-generator";
import type { PassType } from "@prisma/client";
import { definitionOf, type PassTypeDefinition } from "@/server/pass-types/definition";
import { fieldDefinitions, passTemplate, type FieldDefinition, type PassTemplate } from "@/server/pass-types/pass-types";
import { passJson } from "./pass-json";
import { encodePassStrings } from "./pass-strings";
import { signManifest } from "./pass-signature";
import type { SigningCredentials } from "./signing";
import { zipSync } from "fflate";

/** The entries' modification time (fflate writes MS-DOS time, from 1980). */
const ZIP_TIME = new Date("1980-01-01T00:00:00Z");

export { passField } from "./pass-json";

type Style = PassType["style"];

/** A pass type prepared for building: what every pass of the type shares. */
export interface PassModel {
  /** `<passType.id>@<updatedAt ms>`: changes when the pass type is edited or a revision published. */
  revision: string;
  style: Style;
  passTypeIdentifier: string;
  teamIdentifier: string;
  /** The published definition the passes are built from. */
  definition: PassTypeDefinition;
  template: PassTemplate;
  fields: FieldDefinition[];
  /** The bundle's files but pass.json: images (icon.png, logo@2x.png…) and each language's `<lang>.lproj/` pass.strings (UTF-16) and images. */
  files: Record<string, Buffer>;
}

/** One pass version to build. */
export interface PassContent {
  serialNumber: string;
  authenticationToken: string;
  /** `${PUBLIC_URL}/api/{tenant}/passkit`. */
  webServiceURL: string;
  /** The merchant's customer id, for the barcode template's {customerId} (null: the serial number shows). */
  customerId: string | null;
  /** The customer's custom identifiers (key → value), for the barcode template's {<key>}. */
  identifiers: Record<string, string>;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  voided: boolean;
  /** The notification budget muted this version (no changeMessage). */
  alertsMuted?: boolean;
  /** The publication's lock-screen message (a back field). */
  notice?: string | null;
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

/** The bundle files of a definition but pass.json: its images, and per language the UTF-16 pass.strings and images. */
export function definitionFiles(definition: PassTypeDefinition): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  for (const [name, b64] of Object.entries(definition.images)) files[name] = Buffer.from(b64, "base64");
  for (const [lang, loc] of Object.entries(definition.localizations ?? {})) {
    if (loc.strings && Object.keys(loc.strings).length) files[`${lang}.lproj/pass.strings`] = encodePassStrings(loc.strings);
    for (const [name, b64] of Object.entries(loc.images ?? {})) files[`${lang}.lproj/${name}`] = Buffer.from(b64, "base64");
  }
  return files;
}

/** The prepared model of a pass type row, cached per revision. */
export function passModel(passType: Pick<PassType, "id" | "updatedAt" | "style" | "passTypeIdentifier" | "teamIdentifier" | "template" | "images" | "fields">): PassModel {
  const hit = cachedPassModel(passType);
  if (hit) return hit;
  const revision = revisionOf(passType);
  const definition = definitionOf(passType);
  const model: PassModel = {
    revision,
    style: passType.style,
    passTypeIdentifier: passType.passTypeIdentifier,
    teamIdentifier: passType.teamIdentifier,
    definition,
    template: passTemplate<PassTemplate>(passType),
    fields: fieldDefinitions(passType),
    files: definitionFiles(definition),
  };
  models.set(passType.id, model);
  return model;
}

/** The files of one pass version's .pkpass but manifest.json and signature, pass.json last. */
export function passBundle(model: PassModel, content: PassContent): [name: string, bytes: Buffer][] {
  const json = passJson(model.definition, { ...content, passTypeIdentifier: model.passTypeIdentifier, teamIdentifier: model.teamIdentifier });
  return [...Object.entries(model.files), ["pass.json", Buffer.from(JSON.stringify(json))]];
}

/**
 * Builds and signs one pass version. Pure CPU (figures: README, "Apple Wallet"); callers go
 * through the build cache (`build-cache.ts`) so a version is built once.
 * @returns the .pkpass zip (pass.json, images, .lproj files, manifest.json, signature)
 * @throws TypeError when passkit-generator refuses the pass.json (bad color, field, barcode)
 */
export function buildPkpass(model: PassModel, content: PassContent, credentials: Pick<SigningCredentials, "signer">): Buffer {
  return signBundle(passBundle(model, content), credentials);
}

const STRINGS_FILE = /^[^/]+\.lproj\/pass\.strings$/;

/**
 * Signs a bundle (Apple's "Building a pass"): passkit-generator validates pass.json (one it
 * refuses is a TypeError); the files go into the zip as Passflow wrote them (pass.json in Apple's
 * date format, each pass.strings in UTF-16, which passkit-generator would rewrite), with
 * manifest.json (the SHA-1 of every file) and the detached signature of the manifest.
 */
function signBundle(files: [string, Buffer][], credentials: Pick<SigningCredentials, "signer">): Buffer {
  const pass = new PKPass(Object.fromEntries(files.filter(([name]) => !STRINGS_FILE.test(name))));
  if (!pass.files.includes("pass.json")) throw new TypeError("passkit-generator refused the pass.json (see its warning)");
  const manifest = Buffer.from(JSON.stringify(Object.fromEntries(files.map(([name, bytes]) => [name, createHash("sha1").update(bytes).digest("hex")]))));
  // stored entries (level 0), as passkit-generator's bundles: PNGs are compressed already; a fixed
  // time, so the same files make the same bytes
  const entries = Object.fromEntries([...files, ["manifest.json", manifest], ["signature", signManifest(manifest, credentials.signer)]].map(([name, bytes]) => [name, new Uint8Array(bytes as Buffer)]));
  return Buffer.from(zipSync(entries, { level: 0, mtime: ZIP_TIME }));
}
