/**
 * Pass model folders, in and out: the format passkit-generator reads (and an unzipped .pkpass
 * is): `pass.json`, images (`icon.png`, `logo@2x.png`…) and per language `<lang>.lproj/`
 * holding `pass.strings` and localized images (Apple "Creating the source for a pass").
 *
 * - `definitionFromModel(files)`: a model's files as a validated definition. Its pass.json becomes
 *   the template and its field values the fields' defaults (./pass-json.ts); manifest.json and
 *   signature (an unzipped .pkpass) and hidden files are skipped; other files are named in warnings.
 * - `modelFiles(definition, ids)`: the files of a model folder for a definition, which
 *   `definitionFromModel` reads back into the same definition (pass.json byte for byte).
 * - `readModelFolder(dir)` / `writeModelFolder(dir, files)`: those files on disk; `readPkpass(file)`
 *   the files of a .pkpass (a zip, read with fflate).
 * - `importPassType` / `exportPassType`: `passtype import` and `passtype export`.
 */
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { unzipSync } from "fflate";
import { invalidDefinition, validateDefinition, type PassTypeDefinition, type ValidatedDefinition } from "@/server/pass-types/definition";
import { DomainError, type DomainFieldError } from "@/server/platform/errors";
import { env } from "@/server/platform/env";
import { getTenant } from "@/server/tenants/tenants";
import { savePassTypeRevision, showPassType, type SaveRevisionResult } from "@/server/passes/revisions";
import { definitionFromPassJson, modelPassJson } from "./pass-json";
import { encodePassStrings, parsePassStrings } from "./pass-strings";

/** Files of a model or bundle, by relative path with `/` separators. */
export type ModelFiles = Map<string, Buffer>;

const LPROJ = /^([^/]+)\.lproj\/(.+)$/;
const SKIPPED = new Set(["manifest.json", "signature"]);

/** Options of `definitionFromModel`. */
export interface ModelImportOptions {
  /** The tenant's custom identifier keys (barcode templates may name them). */
  customIdentifierKeys?: readonly string[];
  /** Production: a pass.json webServiceURL that is not https:// is refused (Apple Wallet refuses it). */
  production?: boolean;
}

/**
 * A model's files as a validated definition, with warnings for what was not kept.
 * @throws DomainError invalid_input naming the failing paths: `pass.json` (missing, not JSON),
 *   `webServiceURL` (http:// in production), `<lang>.lproj/pass.strings` (syntax, with the line),
 *   and every definition path validation refuses (`fields[2].key`, `images.icon.png`…)
 */
export function definitionFromModel(files: ModelFiles, opts: ModelImportOptions = {}): ValidatedDefinition {
  const raw = files.get("pass.json");
  if (!raw) throw new DomainError("invalid_input", "the model has no pass.json", "pass.json");
  let json: unknown;
  try {
    json = JSON.parse(raw.toString("utf8").replace(/^\uFEFF/, ""));
  } catch (err) {
    throw new DomainError("invalid_input", `pass.json is not JSON: ${(err as Error).message}`, "pass.json");
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) throw new DomainError("invalid_input", "pass.json must be a JSON object", "pass.json");
  const passJson = json as Record<string, unknown>;
  const errors: DomainFieldError[] = [];
  const url = passJson.webServiceURL;
  if (opts.production && typeof url === "string" && !/^https:\/\//i.test(url)) {
    errors.push({ field: "webServiceURL", message: `${url} is not https://: Apple Wallet refuses an http:// webServiceURL in production` });
  }
  const { definition, warnings } = definitionFromPassJson(passJson);
  const images: Record<string, string> = {};
  const localizations: Record<string, { strings?: Record<string, string>; images?: Record<string, string> }> = {};
  for (const [name, bytes] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (name === "pass.json" || SKIPPED.has(name) || name.split("/").some((part) => part.startsWith("."))) continue;
    const lproj = LPROJ.exec(name);
    if (lproj) {
      const [, lang, file] = lproj as unknown as [string, string, string];
      const loc = (localizations[lang] ??= {});
      if (file === "pass.strings") {
        try {
          loc.strings = parsePassStrings(bytes);
        } catch (err) {
          errors.push({ field: name, message: (err as Error).message });
        }
      } else if (file.endsWith(".png") && !file.includes("/")) (loc.images ??= {})[file] = bytes.toString("base64");
      else warnings.push({ field: name, message: "is not kept (a language folder holds pass.strings and images)" });
    } else if (name.endsWith(".png") && !name.includes("/")) images[name] = bytes.toString("base64");
    else warnings.push({ field: name, message: "is not kept (Passflow keeps pass.json, images and .lproj folders)" });
  }
  if (errors.length) throw invalidDefinition(errors);
  definition.images = images;
  if (Object.keys(localizations).length) definition.localizations = localizations;
  const validated = validateDefinition(definition, { customIdentifierKeys: opts.customIdentifierKeys });
  return { definition: validated.definition, warnings: [...warnings, ...validated.warnings] };
}

/**
 * The files of a model folder for a definition: pass.json (`modelPassJson`, 2-space JSON and a
 * newline), images, and per language pass.strings (UTF-16) and images.
 */
export function modelFiles(definition: PassTypeDefinition, ids: { passTypeIdentifier: string; teamIdentifier: string }): ModelFiles {
  const files: ModelFiles = new Map();
  files.set("pass.json", Buffer.from(`${JSON.stringify(modelPassJson(definition, ids), null, 2)}\n`));
  for (const [name, b64] of Object.entries(definition.images)) files.set(name, Buffer.from(b64, "base64"));
  for (const [lang, loc] of Object.entries(definition.localizations ?? {})) {
    if (loc.strings) files.set(`${lang}.lproj/pass.strings`, encodePassStrings(loc.strings));
    for (const [name, b64] of Object.entries(loc.images ?? {})) files.set(`${lang}.lproj/${name}`, Buffer.from(b64, "base64"));
  }
  return files;
}

/**
 * The files of a model folder on disk (pass.json, images, `<lang>.lproj/` one level down).
 * @throws DomainError invalid_input naming `from` when the folder cannot be read
 */
export async function readModelFolder(dir: string): Promise<ModelFiles> {
  const files: ModelFiles = new Map();
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new DomainError("invalid_input", `cannot read the model folder ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, "from");
  }
  for (const entry of entries) {
    if (entry.isFile()) files.set(entry.name, await readFile(path.join(dir, entry.name)));
    else if (entry.isDirectory() && entry.name.endsWith(".lproj")) {
      for (const inner of await readdir(path.join(dir, entry.name), { withFileTypes: true })) {
        if (inner.isFile()) files.set(`${entry.name}/${inner.name}`, await readFile(path.join(dir, entry.name, inner.name)));
      }
    }
  }
  return files;
}

/**
 * The files of a .pkpass (a zip archive): the same names a model folder has, `.lproj/` files
 * included; folders and files in deeper folders are left out, as `readModelFolder` leaves them.
 * @throws DomainError invalid_input naming `from` when the file is not a readable zip
 */
export async function readPkpass(file: string): Promise<ModelFiles> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(await readFile(file)));
  } catch (err) {
    throw new DomainError("invalid_input", `${file} is not a .pkpass (zip archive): ${(err as Error).message}`, "from");
  }
  const files: ModelFiles = new Map();
  for (const [name, bytes] of Object.entries(entries)) {
    const parts = name.split("/");
    if (name.endsWith("/") || parts.length > 2 || (parts.length === 2 && !parts[0]!.endsWith(".lproj"))) continue;
    files.set(name, Buffer.from(bytes));
  }
  return files;
}

/**
 * Writes model files into `dir` (created; it must be empty or absent, so no file of an older
 * model stays beside the new ones).
 * @throws DomainError invalid_input naming `to` when the folder holds files
 */
export async function writeModelFolder(dir: string, files: ModelFiles): Promise<string[]> {
  const existing = await readdir(dir).catch(() => []);
  if (existing.length) throw new DomainError("invalid_input", `${dir} is not empty: export into a new or empty folder`, "to");
  for (const [name, bytes] of files) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), bytes);
  }
  return [...files.keys()];
}

export interface ImportPassTypeInput {
  tenant: string;
  key: string;
  /** A pass model folder or a .pkpass file. */
  from: string;
  name?: string;
  message?: string;
  actor: string;
}

/**
 * Imports a pass model folder or a .pkpass (its pass.json the template, its field values the
 * defaults) as the pass type `key`: created (revision 1, published) or given a new unpublished
 * revision (`savePassTypeRevision`). Nothing is written when the model is refused.
 * @throws DomainError invalid_input (`from`, and every failing path), tenant_not_found
 */
export async function importPassType(input: ImportPassTypeInput): Promise<SaveRevisionResult & { warnings: DomainFieldError[] }> {
  const info = await stat(input.from).catch(() => null);
  const pkpass = info?.isFile() && input.from.toLowerCase().endsWith(".pkpass");
  if (!pkpass && !info?.isDirectory()) throw new DomainError("invalid_input", `${input.from} is neither a pass model folder nor a .pkpass file`, "from");
  const tenant = await getTenant(input.tenant);
  const files = pkpass ? await readPkpass(input.from) : await readModelFolder(input.from);
  const { definition, warnings } = definitionFromModel(files, { customIdentifierKeys: tenant.customIdentifierKeys, production: env.NODE_ENV === "production" });
  const saved = await savePassTypeRevision({ tenant: tenant.id, key: input.key, definition, name: input.name, message: input.message ?? `imported from ${path.basename(input.from)}`, actor: input.actor });
  return { ...saved, warnings: [...warnings, ...saved.warnings.filter((w) => !warnings.some((x) => x.field === w.field && x.message === w.message))] };
}

/**
 * Writes the pass type's definition (the published one, or `revision`) as a model folder into
 * `to` (new or empty), which `importPassType` takes back unchanged. Resolves with the file names.
 * @throws DomainError tenant_not_found, pass_type_not_found, not_found (revision), invalid_input (`to` not empty)
 */
export async function exportPassType(input: { tenant: string; key: string; to: string; revision?: number }): Promise<{ key: string; revision: number; files: string[] }> {
  const view = await showPassType(input.tenant, input.key, { revision: input.revision });
  const files = await writeModelFolder(input.to, modelFiles(view.definition, view));
  return { key: view.key, revision: view.revision, files: files.sort() };
}
