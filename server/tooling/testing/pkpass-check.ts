/**
 * Test helper: reads a .pkpass and checks it the way Wallet does (Apple "Wallet Passes":
 * manifest.json holds the SHA-1 of every other file; `signature` is a detached PKCS#7 signature
 * of manifest.json by the signer certificate, chained to the WWDR certificate).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { inflateRawSync } from "node:zlib";

/** The files of a zip archive (stored or deflated entries), by name. */
export function readZip(zip: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error("not a zip archive: no end of central directory");
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error("corrupt central directory");
    const method = zip.readUInt16LE(p + 10);
    const compressed = zip.readUInt32LE(p + 20);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.toString("utf8", p + 46, p + 46 + nameLength);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(dataStart, dataStart + compressed);
    files.set(name, method === 8 ? inflateRawSync(raw) : Buffer.from(raw));
    p += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

export interface PkpassCheck {
  files: Map<string, Buffer>;
  passJson: Record<string, unknown>;
  /** Files whose SHA-1 differs from manifest.json, and files missing from either side. */
  manifestProblems: string[];
  /** PEM of the certificate that signed (from `openssl cms -verify`), when the signature verifies. */
  signerPem: string | undefined;
  /** openssl's message when verification failed. */
  signatureError: string | undefined;
}

/** Checks a .pkpass: manifest hashes and `openssl cms -verify` against `wwdrPem`. */
export function checkPkpass(pkpass: Buffer, wwdrPem: string): PkpassCheck {
  const files = readZip(pkpass);
  const manifest = JSON.parse(files.get("manifest.json")?.toString("utf8") ?? "{}") as Record<string, string>;
  const manifestProblems: string[] = [];
  for (const [name, bytes] of files) {
    if (name === "manifest.json" || name === "signature") continue;
    const sha1 = createHash("sha1").update(bytes).digest("hex");
    if (manifest[name] !== sha1) manifestProblems.push(name);
  }
  for (const name of Object.keys(manifest)) if (!files.has(name)) manifestProblems.push(`missing ${name}`);
  const dir = mkdtempSync(path.join(tmpdir(), "pkpass-check-"));
  let signerPem: string | undefined;
  let signatureError: string | undefined;
  try {
    writeFileSync(path.join(dir, "signature"), files.get("signature") ?? Buffer.alloc(0));
    writeFileSync(path.join(dir, "manifest.json"), files.get("manifest.json") ?? Buffer.alloc(0));
    writeFileSync(path.join(dir, "wwdr.pem"), wwdrPem);
    execFileSync(
      "openssl",
      ["cms", "-verify", "-inform", "DER", "-in", "signature", "-content", "manifest.json", "-binary", "-CAfile", "wwdr.pem", "-purpose", "any", "-signer", "signer.pem", "-out", "/dev/null"],
      { cwd: dir, stdio: ["ignore", "ignore", "pipe"] },
    );
    signerPem = readFileSync(path.join(dir, "signer.pem"), "utf8");
  } catch (err) {
    signatureError = String((err as { stderr?: Buffer }).stderr ?? err);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { files, passJson: JSON.parse(files.get("pass.json")?.toString("utf8") ?? "{}") as Record<string, unknown>, manifestProblems, signerPem, signatureError };
}
