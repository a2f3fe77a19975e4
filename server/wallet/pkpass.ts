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
 * the bundle (`signBundle`, passkit-generator: it validates pass.json and writes manifest.json,
 * the signature and the zip).
 */
import { PKPass } from "passkit-generator";
import type { PassType } from "@prisma/client";
import { definitionOf, type PassTypeDefinition } from "@/server/pass-types/definition";
import { fieldDefinitions, passTemplate, type FieldDefinition, type PassTemplate } from "@/server/pass-types/pass-types";
import { passJson } from "./pass-json";
import { encodePassStrings } from "./pass-strings";
import type { SigningCredentials } from "./signing";

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
 * Builds and signs one pass version. Pure CPU (about 30 ms here: node-forge signs in JavaScript);
 * callers go through the build cache (`build-cache.ts`) so a version is built once.
 * @returns the .pkpass zip (pass.json, images, .lproj files, manifest.json, signature)
 * @throws TypeError when passkit-generator rejects a value (bad color, field, barcode)
 */
export function buildPkpass(model: PassModel, content: PassContent, credentials: SigningCredentials): Buffer {
  return signBundle(passBundle(model, content), credentials);
}

const STRINGS_FILE = /^[^/]+\.lproj\/pass\.strings$/;
/** passkit-generator's Bundle.addBuffer, which stores a file as it is (PKPass.addBuffer re-reads pass.strings as UTF-8 and writes it back as UTF-8). */
const storeAsIs = (Object.getPrototypeOf(PKPass.prototype) as { addBuffer(this: PKPass, name: string, bytes: Buffer): void }).addBuffer;

/**
 * Signs a bundle with passkit-generator: it validates pass.json (and drops keys it does not
 * know), then writes manifest.json, the signature and the zip. Two things are kept as Passflow
 * wrote them: each pass.strings (UTF-16; passkit-generator would rewrite it as UTF-8) and the
 * relevantDate and expirationDate (passkit-generator's validation rewrites them with
 * milliseconds, `…T17:00:00.000Z`, which Apple's format has not).
 */
function signBundle(files: [string, Buffer][], credentials: SigningCredentials): Buffer {
  const json = JSON.parse(files.find(([n]) => n === "pass.json")![1].toString("utf8")) as Record<string, unknown>;
  const pass = new PKPass(
    Object.fromEntries(files.filter(([name]) => !STRINGS_FILE.test(name))),
    { wwdr: credentials.wwdrPem, signerCert: credentials.certificatePem, signerKey: credentials.privateKeyPem },
  );
  if (!pass.files.includes("pass.json")) throw new TypeError("passkit-generator refused the pass.json (see its warning)");
  const dates = (["relevantDate", "expirationDate"] as const).filter((key) => typeof json[key] === "string");
  if (dates.length) {
    // passkit-generator 3.6.1 keeps the pass's props under a private Symbol("props")
    const symbol = Object.getOwnPropertySymbols(pass).find((s) => s.description === "props");
    const props = symbol && (pass as unknown as Record<symbol, Record<string, unknown>>)[symbol];
    if (!props || typeof props !== "object") throw new TypeError("passkit-generator's props are out of reach: relevantDate and expirationDate would lose Apple's format");
    for (const key of dates) props[key] = json[key];
  }
  for (const [name, bytes] of files) if (STRINGS_FILE.test(name)) storeAsIs.call(pass, name, bytes);
  return pass.getAsBuffer();
}
