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
import { unzipSync } from "fflate";

/** The files of a zip archive (stored or deflated entries), by name (read with fflate). */
export function readZip(zip: Buffer): Map<string, Buffer> {
  return new Map(Object.entries(unzipSync(new Uint8Array(zip))).map(([name, bytes]) => [name, Buffer.from(bytes)]));
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
