import { spawnSync } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ContentInfo, SignedData, id_contentType, id_data, id_messageDigest, id_signedData, id_signingTime } from "@peculiar/asn1-cms";
import { AsnConvert } from "@peculiar/asn1-schema";
import { PKPass, PassType } from "passkit-generator";
import { generateDevelopmentChain } from "./dev-certificates";
import { passSigner } from "./pass-signature";
import { buildPkpass, type PassContent } from "./pkpass";
import { readZip } from "@/server/tooling/testing/pkpass-check";
import { starterPassModel } from "@/server/tooling/testing/pass-models";

const PTI = "pass.dev.passflow.signature";
const chain = generateDevelopmentChain(PTI, "PFDEVTEAM1");
const model = starterPassModel("basic", PTI, "PFDEVTEAM1");
const content: PassContent = {
  serialNumber: "6f1c2a4e-0000-4000-8000-00000000cafe",
  authenticationToken: "tok_abcdefghijklmnopqrstuvwxyz",
  webServiceURL: "https://passflow.example.com/api/unit/passkit",
  customerId: "CUST-000042",
  identifiers: {},
  data: { points: "1250", tier: "Gold", memberName: "Jane Doe" },
  metadata: {},
  voided: false,
};
const builtAt = Date.now();
const files = readZip(buildPkpass(model, content, { signer: passSigner(chain) }));
const manifest = files.get("manifest.json")!;
const signature = files.get("signature")!;

const dir = mkdtempSync(path.join(tmpdir(), "pass-signature-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// The CAfile is the development chain's root and WWDR: one self-signed certificate here, where
// Apple's chain would be Apple Root CA plus the WWDR intermediate.
writeFileSync(path.join(dir, "ca.pem"), chain.wwdrPem);

/** `openssl cms -verify` of `sig` over `content`: its exit status and message. */
function opensslVerify(sig: Buffer, content: Buffer) {
  writeFileSync(path.join(dir, "signature"), sig);
  writeFileSync(path.join(dir, "manifest.json"), content);
  const r = spawnSync(
    "openssl",
    ["cms", "-verify", "-binary", "-inform", "DER", "-in", "signature", "-content", "manifest.json", "-CAfile", "ca.pem", "-purpose", "any", "-out", "/dev/null"],
    { cwd: dir, encoding: "utf8" },
  );
  return { status: r.status, stderr: r.stderr };
}

/** What Wallet looks at in a signature, read with @peculiar/asn1-cms. */
function shape(der: Buffer) {
  const info = AsnConvert.parse(der, ContentInfo);
  const signed = AsnConvert.parse(info.content, SignedData);
  const signer = signed.signerInfos[0]!;
  const attr = (type: string) => Buffer.from(signer.signedAttrs!.find((a) => a.attrType === type)!.attrValues[0]!);
  return {
    contentType: info.contentType,
    version: signed.version,
    digestAlgorithms: signed.digestAlgorithms.map((a) => a.algorithm),
    eContentType: signed.encapContentInfo.eContentType,
    detached: signed.encapContentInfo.eContent === undefined,
    certificates: signed.certificates!.map((c) => new X509Certificate(Buffer.from(AsnConvert.serialize(c.certificate))).fingerprint256).sort(),
    signerInfos: signed.signerInfos.length,
    signerVersion: signer.version,
    sid: signer.sid.issuerAndSerialNumber ? "issuerAndSerialNumber" : "subjectKeyIdentifier",
    digestAlgorithm: signer.digestAlgorithm.algorithm,
    signatureAlgorithm: signer.signatureAlgorithm.algorithm,
    signedAttrTypes: signer.signedAttrs!.map((a) => a.attrType).sort(),
    contentTypeValue: attr(id_contentType).toString("hex"),
    signingTimeTag: attr(id_signingTime)[0],
    signingTime: attr(id_signingTime),
    messageDigest: attr(id_messageDigest),
  };
}

describe("the .pkpass signature (native CMS, development certificates)", () => {
  it("verifies with openssl cms -verify against the development chain", () => {
    const r = opensslVerify(signature, manifest);
    expect(r.stderr).toMatch(/Verification successful/);
    expect(r.status).toBe(0);
  });

  it("fails openssl verification over a changed manifest", () => {
    const changed = Buffer.from(JSON.stringify({ ...JSON.parse(manifest.toString("utf8")), "pass.json": "0".repeat(40) }));
    const r = opensslVerify(signature, changed);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/digest failure|verification failure/i);
  });

  it("manifest.json holds the SHA-1 of every other file of the bundle, and nothing else", () => {
    const entries = JSON.parse(manifest.toString("utf8")) as Record<string, string>;
    const others = [...files.keys()].filter((n) => n !== "manifest.json" && n !== "signature");
    expect(Object.keys(entries).sort()).toEqual(others.sort());
    for (const name of others) expect(entries[name], name).toBe(createHash("sha1").update(files.get(name)!).digest("hex"));
    expect(others).toEqual(expect.arrayContaining(["pass.json", "icon.png", "logo.png"]));
  });

  it("is a detached SignedData: SHA-1, rsaEncryption, content type, message digest, UTCTime signing time, signer and WWDR certificates", () => {
    const s = shape(signature);
    expect(s).toMatchObject({
      contentType: id_signedData,
      version: 1,
      digestAlgorithms: ["1.3.14.3.2.26"],
      eContentType: id_data,
      detached: true,
      signerInfos: 1,
      signerVersion: 1,
      sid: "issuerAndSerialNumber",
      digestAlgorithm: "1.3.14.3.2.26",
      signatureAlgorithm: "1.2.840.113549.1.1.1",
      signedAttrTypes: [id_contentType, id_messageDigest, id_signingTime].sort(),
      contentTypeValue: "06092a864886f70d010701", // OBJECT IDENTIFIER id-data
      signingTimeTag: 0x17, // UTCTime
    });
    // OCTET STRING of 20 bytes: the SHA-1 of manifest.json
    expect(s.messageDigest.toString("hex")).toBe(`0414${createHash("sha1").update(manifest).digest("hex")}`);
    expect(s.certificates).toEqual([new X509Certificate(chain.certificatePem).fingerprint256, new X509Certificate(chain.wwdrPem).fingerprint256].sort());
    const [yy, mm, dd, hh, mi, ss] = s.signingTime.subarray(2, 14).toString("ascii").match(/\d\d/g)!.map(Number);
    const signedAt = Date.UTC(2000 + yy!, mm! - 1, dd!, hh!, mi!, ss!);
    expect(Math.abs(signedAt - builtAt)).toBeLessThan(60_000);
  });

  it("has the shape of the signature passkit-generator makes with node-forge", () => {
    const raw = new PKPass(model.files, { wwdr: chain.wwdrPem, signerCert: chain.certificatePem, signerKey: chain.privateKeyPem }, {
      formatVersion: 1,
      serialNumber: "forge",
      passTypeIdentifier: PTI,
      teamIdentifier: "PFDEVTEAM1",
      organizationName: "Unit Coffee",
      description: "forge",
    });
    raw.types.push(new PassType("storeCard"));
    const forge = shape(readZip(raw.getAsBuffer()).get("signature")!);
    const ours = shape(signature);
    // all but the values that differ per signature
    const comparable = (s: ReturnType<typeof shape>) => ({ ...s, signingTime: undefined, messageDigest: undefined });
    expect(comparable(ours)).toEqual(comparable(forge));
  });
});
