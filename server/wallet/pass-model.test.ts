import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateDevelopmentChain } from "./dev-certificates";
import { definitionFromModel, modelFiles, readModelFolder, writeModelFolder, type ModelFiles } from "./pass-model";
import { decodeStringsText, encodePassStrings, parsePassStrings } from "./pass-strings";
import { buildPkpass, passModel, type PassContent } from "./pkpass";
import { definitionColumns, type PassTypeDefinition } from "@/server/pass-types/definition";
import { passSigner } from "./pass-signature";
import { DomainError } from "@/server/platform/errors";
import { checkPkpass } from "@/server/tooling/testing/pkpass-check";
import { MODEL_PASS_JSON, MODEL_STRINGS, modelImages, solidPng, writeModelFolder as writeFixture } from "@/server/tooling/testing/pass-design";

const PTI = "pass.dev.passflow.design";
const chain = generateDevelopmentChain(PTI, "PFDEVTEAM1");
const credentials = { signer: passSigner(chain) };
const ids = { passTypeIdentifier: PTI, teamIdentifier: "PFDEVTEAM1" };
const dirs: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "pass-model-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function importFixture(passJson?: Record<string, unknown>): Promise<PassTypeDefinition> {
  return definitionFromModel(await readModelFolder(writeFixture(tmp(), passJson)), { customIdentifierKeys: ["loyaltyNumber"] }).definition;
}

function build(definition: PassTypeDefinition, content: Partial<PassContent> = {}) {
  const model = passModel({ id: `pt-${Math.random()}`, updatedAt: new Date(), passTypeIdentifier: PTI, teamIdentifier: "PFDEVTEAM1", ...definitionColumns(definition) } as never);
  const pkpass = buildPkpass(
    model,
    {
      serialNumber: "6f1c2a4e-0000-4000-8000-00000000000a",
      authenticationToken: "tok_abcdefghijklmnopqrstuvwxyz",
      webServiceURL: "https://passflow.example.com/api/lumiere/passkit",
      customerId: "C-42",
      identifiers: { loyaltyNumber: "LN-7" },
      data: {},
      metadata: {},
      voided: false,
      ...content,
    },
    credentials,
  );
  return checkPkpass(pkpass, chain.wwdrPem);
}

describe("pass.strings", () => {
  it("writes UTF-16LE with a BOM and escapes; reads UTF-16 (both byte orders) and UTF-8 with comments", () => {
    const strings = { 'Say "hi"': "Dites « bonjour »\n\\ 🎉", POINTS: "Points" };
    const bytes = encodePassStrings(strings);
    expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    expect(decodeStringsText(bytes)).toBe('"Say \\"hi\\"" = "Dites « bonjour »\\n\\\\ 🎉";\n"POINTS" = "Points";\n');
    expect(parsePassStrings(bytes)).toEqual(strings);
    const be = Buffer.from(bytes);
    be.swap16();
    expect(parsePassStrings(be)).toEqual(strings);
    expect(parsePassStrings(Buffer.from('/* c */\n// line\n"A" = "\\U00e9t\\u00E9";\n"B"="2";'))).toEqual({ A: "été", B: "2" });
    expect(() => parsePassStrings(Buffer.from('"A" = "1";\n"B" "2";'))).toThrow('line 2: expected "="');
  });
});

describe("a pass model folder", () => {
  it("imports as a definition: pass.json the template, values the defaults, each language's strings and images", async () => {
    const d = await importFixture();
    expect(d).toMatchObject({
      style: "storeCard",
      organizationName: "Café Lumière",
      logoText: "Lumière",
      barcode: { format: "PDF417", message: "LUM-{loyaltyNumber}", altText: "{customerId}", encoding: "iso-8859-1" },
      expirationDate: { value: "2027-12-31T23:59:59+01:00" },
      apple: { passJson: { sharingProhibited: true } },
    });
    expect(d.fields.map((f) => [f.key, f.slot, f.type, f.default])).toEqual([
      ["balance", "headerFields", "currency", 0],
      ["points", "primaryFields", "number", 0],
      ["tier", "secondaryFields", "text", "Member"],
      ["nextVisit", "auxiliaryFields", "date", undefined],
      ["terms", "backFields", "text", "TERMS_TEXT"],
      ["website", "backFields", "text", "https://lumiere.example.com"],
    ]);
    expect(d.fields[0]).toMatchObject({ currencyCode: "EUR", textAlignment: "right" });
    expect(d.fields[4]!.dataDetectorTypes).toEqual(["link", "phoneNumber"]);
    expect(d.fields[3]).toMatchObject({ dateStyle: "long", timeStyle: "short" });
    expect(d.localizations!.en!.strings).toEqual(MODEL_STRINGS.en);
    expect(d.localizations!.fr!.strings).toEqual(MODEL_STRINGS.fr);
    expect(Object.keys(d.localizations!.fr!.images!)).toEqual(["logo.png", "logo@2x.png"]);
    expect(Object.keys(d.images).sort()).toEqual(Object.keys(modelImages()).sort());
  });

  it("builds a .pkpass whose pass.json, images and .lproj strings match the model", async () => {
    const d = await importFixture();
    const check = build(d, { data: { points: 1250, nextVisit: "2027-03-01T09:30:00.000Z" } });
    expect(check.signatureError).toBeUndefined();
    expect(check.manifestProblems).toEqual([]);
    const json = check.passJson;
    const modelCard = MODEL_PASS_JSON.storeCard;
    const modelTop = Object.fromEntries(Object.entries(MODEL_PASS_JSON).filter(([k]) => !["passTypeIdentifier", "teamIdentifier", "storeCard", "barcodes"].includes(k)));
    expect(json).toMatchObject({ ...modelTop, passTypeIdentifier: PTI, serialNumber: "6f1c2a4e-0000-4000-8000-00000000000a" });
    expect(json.barcodes).toEqual([{ format: "PKBarcodeFormatPDF417", message: "LUM-LN-7", altText: "C-42", messageEncoding: "iso-8859-1" }]);
    expect(json.expirationDate).toBe("2027-12-31T23:59:59+01:00"); // as written: no milliseconds, the zone kept
    const card = json.storeCard as Record<string, Record<string, unknown>[]>;
    for (const slot of ["headerFields", "secondaryFields", "backFields"] as const) expect(card[slot]).toEqual(modelCard[slot]);
    expect(card.primaryFields).toEqual([{ ...modelCard.primaryFields[0], value: 1250 }]);
    expect(card.auxiliaryFields).toEqual([{ ...modelCard.auxiliaryFields[0], value: "2027-03-01T09:30:00Z" }]);
    for (const [name, bytes] of Object.entries(modelImages())) expect(check.files.get(name)!.equals(bytes), name).toBe(true);
    expect(check.files.get("fr.lproj/logo@2x.png")!.equals(solidPng(200, 80, [255, 0, 0]))).toBe(true);
    for (const lang of ["en", "fr"] as const) {
      const strings = check.files.get(`${lang}.lproj/pass.strings`)!;
      expect([...strings.subarray(0, 2)], `${lang} is UTF-16LE with a BOM`).toEqual([0xff, 0xfe]);
      expect(parsePassStrings(strings)).toEqual(MODEL_STRINGS[lang]);
    }
    expect(check.files.has(".DS_Store")).toBe(false);
  });

  it("exports a model folder that imports back unchanged, pass.json byte for byte", async () => {
    const first = await importFixture();
    const dir = tmp();
    await writeModelFolder(path.join(dir, "out"), modelFiles(first, ids));
    const exported = await readModelFolder(path.join(dir, "out"));
    const again = definitionFromModel(exported, { customIdentifierKeys: ["loyaltyNumber"] }).definition;
    const reexported = modelFiles(again, ids);
    expect(reexported.get("pass.json")!.toString()).toBe(exported.get("pass.json")!.toString());
    expect(reexported.get("pass.json")!.equals(exported.get("pass.json")!)).toBe(true);
    expect(definitionFromModel(reexported, { customIdentifierKeys: ["loyaltyNumber"] }).definition).toEqual(again);
    expect([...reexported.keys()].sort()).toEqual([...exported.keys()].sort());
    for (const [name, bytes] of exported) expect(reexported.get(name)!.equals(bytes), name).toBe(true);
    await expect(writeModelFolder(path.join(dir, "out"), reexported)).rejects.toMatchObject({ code: "invalid_input", field: "to" });
  });

  it("round-trips what pass.json cannot say: field types, a date from a field, no barcode", async () => {
    const d: PassTypeDefinition = {
      ...(await importFixture()),
      barcode: null,
      relevantDate: { field: "nextVisit" },
    };
    const files = modelFiles(d, ids);
    const back = definitionFromModel(files, { customIdentifierKeys: ["loyaltyNumber"] }).definition;
    expect(back.barcode).toBeNull();
    expect(back.relevantDate).toEqual({ field: "nextVisit" });
    expect(modelFiles(back, ids).get("pass.json")!.equals(files.get("pass.json")!)).toBe(true);
    const check = build(back, { data: { nextVisit: "2027-03-01T09:30:00.000Z" } });
    expect(check.passJson.relevantDate).toBe("2027-03-01T09:30:00Z");
    expect(check.passJson.barcodes).toBeUndefined();
  });

  it("imports an unzipped .pkpass: manifest and signature skipped, its values the defaults", async () => {
    const d = await importFixture();
    const check = build(d, { data: { points: 99 } });
    const back = definitionFromModel(check.files as ModelFiles, { customIdentifierKeys: ["loyaltyNumber"] }).definition;
    expect(back.fields.find((f) => f.key === "points")!.default).toBe(99);
    expect(back.barcode).toMatchObject({ message: "LUM-LN-7" }); // a built pass carries its rendered barcode
    expect(back.localizations!.fr!.strings).toEqual(MODEL_STRINGS.fr);
  });

  it("refuses a bad model naming each failing path, and an http:// webServiceURL in production", async () => {
    const bad = structuredClone(MODEL_PASS_JSON) as Record<string, unknown> & typeof MODEL_PASS_JSON;
    bad.storeCard.backFields.push({ key: "points", label: "Again", value: "1", dataDetectorTypes: [] });
    bad.backgroundColor = "#282828";
    bad.relevantDate = "2027-01-01T10:00:00.000+0000";
    bad.locations = Array.from({ length: 11 }, () => ({ latitude: 1, longitude: 2 }));
    bad.barcodes = [{ format: "PKBarcodeFormatEAN13", message: "x", altText: "", messageEncoding: "iso-8859-1" }];
    bad.webServiceURL = "http://old.example.com/passes";
    const files = await readModelFolder(writeFixture(tmp(), bad));
    files.delete("icon.png");
    files.delete("icon@2x.png");
    files.delete("icon@3x.png");
    files.set("strip@2x.png", solidPng(700, 400));
    let err: DomainError | undefined;
    try {
      definitionFromModel(files, { production: true });
    } catch (e) {
      err = e as DomainError;
    }
    expect(err?.errors).toEqual([{ field: "webServiceURL", message: expect.stringContaining("refuses an http:// webServiceURL in production") }]);
    expect(definitionFromModel.bind(null, files, { production: false })).toThrow(DomainError);
    try {
      definitionFromModel(files, { production: false });
    } catch (e) {
      err = e as DomainError;
    }
    expect(err!.errors!.map((e) => e.field)).toEqual(["backgroundColor", "barcode.format", "locations", "relevantDate.value"]);
    const fixed = { ...bad, backgroundColor: "rgb(40, 40, 40)", barcodes: MODEL_PASS_JSON.barcodes, locations: [], relevantDate: "2027-01-01T10:00:00Z" };
    files.set("pass.json", Buffer.from(JSON.stringify(fixed)));
    try {
      definitionFromModel(files);
    } catch (e) {
      err = e as DomainError;
    }
    expect(err!.errors!.map((e) => e.field)).toEqual(["fields[6].key", "images.strip@2x.png", "images.icon.png"]);
    expect(err!.errors![1]!.message).toBe("is 700×400 px; Apple's strip for a storeCard at @2x is at most 750×288 px");
  });
});

describe("a stored pass type with a repeated field key (saved before definitions were validated)", () => {
  it("still builds: the repeat is left out, so Wallet installs the pass", async () => {
    const d = await importFixture();
    const check = build({ ...d, fields: [...d.fields, { key: "points", label: "Again", type: "text", slot: "backFields" }] }, { data: { points: 5 } });
    const keys = Object.values(check.passJson.storeCard as Record<string, { key: string }[]>).flat().map((f) => f.key);
    expect(keys.filter((k) => k === "points")).toHaveLength(1);
    expect(check.signatureError).toBeUndefined();
  });
});
