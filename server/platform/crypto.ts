/**
 * Secrets at rest and credentials.
 *
 * - `encryptSecret` / `decryptSecret`: AES-256-GCM with PASSFLOW_ENCRYPTION_KEY, for values Passflow
 *   must read back (Klaviyo webhook secrets, merchant sync secrets, authenticationToken, signer
 *   keys). Format `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url); `keyId` names the key so a
 *   rotation can keep PASSFLOW_ENCRYPTION_KEY_PREVIOUS for reading until rows are re-encrypted.
 * - `hashToken`: SHA-256 hex of a high-entropy credential (API keys); only the hash is stored.
 * - `safeEqual`: constant-time comparison of two strings.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import { env } from "./env";
import { devSecrets } from "./data-dir";

interface Key {
  id: string;
  bytes: Buffer;
}

function parseKey(value: string): Key {
  const bytes = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, "hex") : Buffer.from(value, "base64");
  if (bytes.length !== 32) throw new Error("encryption key must be 32 bytes");
  return { id: createHash("sha256").update(bytes).digest("hex").slice(0, 8), bytes };
}

let keys: { current: Key; all: Key[] } | undefined;

function loadKeys() {
  if (keys) return keys;
  const current = parseKey(env.PASSFLOW_ENCRYPTION_KEY ?? devSecrets().encryptionKey);
  const all = [current];
  if (env.PASSFLOW_ENCRYPTION_KEY_PREVIOUS) all.push(parseKey(env.PASSFLOW_ENCRYPTION_KEY_PREVIOUS));
  keys = { current, all };
  return keys;
}

/** Encrypts a UTF-8 string with the current key. */
export function encryptSecret(plain: string): string {
  const { current } = loadKeys();
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", current.bytes, iv);
  const ct = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return ["v1", current.id, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ct.toString("base64url")].join(".");
}

/** Decrypts a value made by `encryptSecret`. Throws if the key is unknown or the data was altered. */
export function decryptSecret(sealed: string): string {
  const [version, keyId, iv, tag, ct] = sealed.split(".");
  if (version !== "v1" || !keyId || !iv || !tag || ct === undefined) throw new Error("not an encrypted secret");
  const key = loadKeys().all.find((k) => k.id === keyId);
  if (!key) throw new Error(`secret was encrypted with unknown key ${keyId}`);
  const decipher = createDecipheriv("aes-256-gcm", key.bytes, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]).toString("utf8");
}

/**
 * Keys for signing (HMAC) derived with HKDF-SHA256 from the encryption keys, one per `purpose`,
 * current key first: values signed before a key rotation still verify with the previous key.
 */
export function derivedKeys(purpose: string): Buffer[] {
  return loadKeys().all.map((k) => Buffer.from(hkdfSync("sha256", k.bytes, Buffer.alloc(0), `passflow:${purpose}`, 32)));
}

/** SHA-256 hex digest of a credential. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Constant-time string comparison (false on length mismatch without leaking where). */
export function safeEqual(a: string, b: string): boolean {
  const x = createHash("sha256").update(a).digest();
  const y = createHash("sha256").update(b).digest();
  return timingSafeEqual(x, y) && a.length === b.length;
}

/** A random URL-safe token of `bytes` bytes of entropy. */
export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString("base64url");
}
