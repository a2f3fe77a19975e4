import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { definitionOf } from "./definition";
import { starterPassTypes } from "./pass-types";
import { definitionPreview, PREVIEW_SAMPLE } from "./preview";

describe("definitionPreview", () => {
  const starter = definitionOf(starterPassTypes("Demo")[0]!);

  it("shows every field in its slot: defaults formatted, fields without one empty", () => {
    const d = { ...starter, fields: [...starter.fields, { key: "terms", label: "Terms", type: "text" as const, slot: "backFields" as const, default: "No cash value" }] };
    d.fields[0] = { ...d.fields[0]!, default: 1250 };
    const p = definitionPreview(d);
    expect(p.fields.primaryFields).toEqual([{ key: "points", label: "Points", value: "1,250" }]);
    expect(p.fields.secondaryFields).toEqual([{ key: "tier", label: "Tier", value: "", empty: true }]);
    expect(p.fields.backFields.at(-1)).toEqual({ key: "terms", label: "Terms", value: "No cash value" });
    expect(p.images.strip).toMatch(/^data:image\/png;base64,/);
  });

  it("renders the barcode template for the sample customer; null shows none", () => {
    expect(definitionPreview({ ...starter, barcode: { format: "PDF417", message: "M-{customerId}", altText: "{serialNumber}", encoding: "iso-8859-1" } }).barcode).toEqual({
      format: "PDF417",
      message: `M-${PREVIEW_SAMPLE.customerId}`,
      altText: PREVIEW_SAMPLE.serialNumber,
    });
    expect(definitionPreview({ ...starter, barcode: null }).barcode).toBeNull();
  });

  it("shows a language's translations of labels, texts and the logo text", () => {
    const d = { ...starter, localizations: { fr: { strings: { Points: "Points fidélité", Demo: "Démo" } } } };
    const p = definitionPreview(d, { language: "fr" });
    expect(p.fields.primaryFields[0]!.label).toBe("Points fidélité");
    expect(p.logoText).toBe("Démo");
    expect(definitionPreview(d).fields.primaryFields[0]!.label).toBe("Points");
  });

  it("runs in the browser: its modules import nothing but types at run time besides each other", () => {
    const pure = ["preview.ts", "stored.ts", "templates.ts"];
    for (const file of pure) {
      const source = readFileSync(path.join(__dirname, file), "utf8");
      const runtime = [...source.matchAll(/^import (?!type )[^;]*? from "([^"]+)";/gms)].map((m) => m[1]!);
      expect(runtime.filter((m) => !pure.includes(`${m.replace(/^\.\//, "")}.ts`)), file).toEqual([]);
    }
  });
});
