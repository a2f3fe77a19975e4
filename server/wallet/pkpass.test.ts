import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { PKPass } from "passkit-generator";
import type { FieldDefinition } from "@/server/pass-types/pass-types";
import { generateDevelopmentChain } from "./dev-certificates";
import { passSigner } from "./pass-signature";
import { buildPkpass, passField, type PassContent } from "./pkpass";
import { checkPkpass } from "@/server/tooling/testing/pkpass-check";
import { starterPassModel } from "@/server/tooling/testing/pass-models";

const PTI = "pass.dev.passflow.unit";
const chain = generateDevelopmentChain(PTI, "PFDEVTEAM1");
const credentials = { signer: passSigner(chain) };

const modelOf = (key: "basic" | "premium") => starterPassModel(key, PTI, "PFDEVTEAM1");

const content: PassContent = {
  serialNumber: "6f1c2a4e-0000-4000-8000-000000000001",
  authenticationToken: "tok_abcdefghijklmnopqrstuvwxyz",
  webServiceURL: "https://passflow.example.com/api/unit/passkit",
  customerId: "CUST-000042",
  identifiers: {},
  data: { points: "1250", tier: "Gold", memberName: "Jane Doe", balance: 12.5, offerExpires: "2026-12-31", memberSince: "2019-04-01", perks: "Free refills" },
  metadata: {},
  voided: false,
};

describe(".pkpass for each starter pass type", () => {
  for (const key of ["basic", "premium"] as const) {
    it(`${key}: zip entries, manifest SHA-1s, and a signature that verifies against the signer certificate`, () => {
      const pkpass = buildPkpass(modelOf(key), content, credentials);
      const check = checkPkpass(pkpass, chain.wwdrPem);
      const names = [...check.files.keys()].sort();
      expect(names).toEqual(
        ["icon.png", "icon@2x.png", "icon@3x.png", "logo.png", "logo@2x.png", "logo@3x.png", "manifest.json", "pass.json", "signature", "strip.png", "strip@2x.png", "strip@3x.png"].sort(),
      );
      expect(check.manifestProblems).toEqual([]);
      expect(Object.keys(JSON.parse(check.files.get("manifest.json")!.toString())).sort()).toEqual(names.filter((n) => n !== "manifest.json" && n !== "signature"));
      expect(check.signatureError).toBeUndefined();
      expect(new X509Certificate(check.signerPem!).fingerprint256).toBe(new X509Certificate(chain.certificatePem).fingerprint256);

      expect(check.passJson).toMatchObject({
        formatVersion: 1,
        serialNumber: content.serialNumber,
        passTypeIdentifier: PTI,
        teamIdentifier: "PFDEVTEAM1",
        authenticationToken: content.authenticationToken,
        webServiceURL: content.webServiceURL,
        organizationName: "Unit Coffee",
        barcodes: [{ format: "PKBarcodeFormatQR", message: "CUST-000042", messageEncoding: "iso-8859-1" }],
      });
      expect(check.passJson.voided).toBeUndefined();
      const card = check.passJson.storeCard as Record<string, { key: string; value: unknown; changeMessage?: string }[]>;
      expect(card.primaryFields).toEqual([{ key: "points", label: "Points", value: 1250, changeMessage: "You now have %@ points" }]);
      expect(card.headerFields).toEqual([{ key: "balance", label: "Balance", value: 12.5, currencyCode: "USD" }]);
      expect(card.secondaryFields!.map((f) => f.value)).toEqual(["Gold"]);
      const keys = Object.values(card).flat().map((f) => f.key);
      if (key === "premium") expect(keys).toEqual(expect.arrayContaining(["memberSince", "perks"]));
      else expect(keys).not.toContain("perks");
    });
  }

  it("pass.json is passkit-generator's: its own export reads it back and writes the same", () => {
    const ours = checkPkpass(buildPkpass(modelOf("premium"), content, credentials), chain.wwdrPem);
    // it validates pass.json against its schema on the way in, and ignores manifest.json and signature
    const reexported = new PKPass(Object.fromEntries(ours.files), { wwdr: chain.wwdrPem, signerCert: chain.certificatePem, signerKey: chain.privateKeyPem }).getAsBuffer();
    expect(checkPkpass(reexported, chain.wwdrPem).passJson).toEqual(ours.passJson);
  });

  it("basic and premium differ in colors and strip image", () => {
    const basic = checkPkpass(buildPkpass(modelOf("basic"), content, credentials), chain.wwdrPem);
    const premium = checkPkpass(buildPkpass(modelOf("premium"), content, credentials), chain.wwdrPem);
    expect(basic.passJson.backgroundColor).not.toBe(premium.passJson.backgroundColor);
    expect(basic.files.get("strip.png")!.equals(premium.files.get("strip.png")!)).toBe(false);
  });

  it("marks voided passes and takes colors from the pass's metadata", () => {
    const check = checkPkpass(buildPkpass(modelOf("basic"), { ...content, voided: true, metadata: { backgroundColor: "rgb(1, 2, 3)" } }, credentials), chain.wwdrPem);
    expect(check.passJson.voided).toBe(true);
    expect(check.passJson.backgroundColor).toBe("rgb(1, 2, 3)");
  });

  it("the development chain says it is not installable and chains to its own WWDR", () => {
    const cert = new X509Certificate(chain.certificatePem);
    const wwdr = new X509Certificate(chain.wwdrPem);
    expect(cert.subject).toContain(`CN=Pass Type ID: ${PTI}`);
    expect(cert.subject).toMatch(/not installable on a device/);
    expect(wwdr.subject).toMatch(/NOT APPLE\\?, NOT FOR DEVICES/);
    expect(cert.verify(wwdr.publicKey)).toBe(true);
    expect(cert.checkIssued(wwdr)).toBe(true);
  });
});

describe("pass.json fields from field definitions", () => {
  const def = (type: FieldDefinition["type"], extra: Partial<FieldDefinition> = {}): FieldDefinition => ({ key: "k", label: "L", type, slot: "primaryFields", ...extra });

  it("types values: numbers, currencies, dates, text; empty values are left out", () => {
    expect(passField(def("number"), "120")).toEqual({ key: "k", label: "L", value: 120 });
    expect(passField(def("number"), "lots")).toEqual({ key: "k", label: "L", value: "lots" });
    expect(passField(def("currency", { currencyCode: "EUR" }), "9.99")).toEqual({ key: "k", label: "L", value: 9.99, currencyCode: "EUR" });
    expect(passField(def("date"), "2026-12-31")).toEqual({
      key: "k",
      label: "L",
      value: "2026-12-31T00:00:00Z",
      dateStyle: "PKDateStyleMedium",
      timeStyle: "PKDateStyleNone",
      ignoresTimeZone: true,
    });
    expect(passField(def("date"), "2026-12-31T10:30:00+02:00")).toMatchObject({ value: "2026-12-31T08:30:00Z", timeStyle: "PKDateStyleShort" });
    expect(passField(def("text", { changeMessage: "Now %@" }), 42)).toEqual({ key: "k", label: "L", value: "42", changeMessage: "Now %@" });
    expect(passField(def("text"), "")).toBeUndefined();
    expect(passField(def("number"), null)).toBeUndefined();
  });
});
