/**
 * Google Wallet's save and delete callbacks (`POST /api/{tenant}/google-wallet/callback`, the
 * class's `callbackOptions.url`; https://developers.google.com/wallet/generic/use-cases/use-callbacks-for-saves-and-deletions).
 *
 * The body is signed with Google's `ECv2SigningOnly` protocol (the signing-only form of the
 * Google Pay "payment data cryptography" ECv2 scheme, verified like Tink's
 * PaymentMethodTokenRecipient):
 *
 *   { protocolVersion: "ECv2SigningOnly", signature, signedMessage,
 *     intermediateSigningKey: { signedKey: "{\"keyValue\":…,\"keyExpiration\":…}", signatures: [...] } }
 *
 * 1. Google's root signing keys (GOOGLE_WALLET_ROOT_KEYS_URL, `{ keys: [{ keyValue, protocolVersion,
 *    keyExpiration }] }`, cached an hour) not expired, of protocol ECv2SigningOnly;
 * 2. one of `intermediateSigningKey.signatures` verifies with one of them over
 *    lv(senderId) ‖ lv(protocolVersion) ‖ lv(signedKey);
 * 3. the intermediate key's `keyExpiration` (ms since the epoch) is in the future;
 * 4. `signature` verifies with the intermediate key over
 *    lv(senderId) ‖ lv(recipientId) ‖ lv(protocolVersion) ‖ lv(signedMessage);
 * 5. the message's `expTimeMillis` is in the future.
 * lv(x) is x's UTF-8 bytes after their length as 4 bytes little-endian; senderId is
 * "GooglePayPasses", recipientId the tenant's issuer id; keys are base64 DER SubjectPublicKeyInfo
 * of P-256, signatures base64 DER ECDSA with SHA-256.
 *
 * A verified message `{ classId, objectId, expTimeMillis, eventType: "save" | "del", nonce }` is
 * recorded as an INSTALLED or REMOVED PassEvent (platform GOOGLE, dedupeKey `google:<nonce>`:
 * Google may deliver one callback more than once) and the object's saved state, in one
 * transaction, before the 200.
 */
import { createPublicKey, verify, type KeyObject } from "node:crypto";
import { z } from "zod";
import { db } from "../../db/client";
import { prismaSql } from "../../db/sql";
import { env } from "@/server/platform/env";
import { HttpProblem } from "@/server/platform/http/problem";
import { logger } from "@/server/platform/log";
import { recordPassEvent } from "@/server/passes/events";
import { getTenant } from "../../tenants/tenants";

export const SENDER_ID = "GooglePayPasses";
export const PROTOCOL_VERSION = "ECv2SigningOnly";
const ROOT_KEYS_TTL_MS = 3600_000;

/** The callback body as Google sends it. */
export const callbackBody = z.object({
  protocolVersion: z.string(),
  signature: z.string().min(1),
  signedMessage: z.string().min(1),
  intermediateSigningKey: z.object({ signedKey: z.string().min(1), signatures: z.array(z.string()).min(1) }),
});

const signedKeySchema = z.object({ keyValue: z.string().min(1), keyExpiration: z.string().regex(/^\d+$/) });
const messageSchema = z.object({
  classId: z.string(),
  objectId: z.string(),
  expTimeMillis: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]),
  eventType: z.enum(["save", "del"]),
  nonce: z.string().min(1),
});
export type CallbackMessage = z.infer<typeof messageSchema>;

/** lv(a) ‖ lv(b) ‖ …: each part's UTF-8 bytes after their length, 4 bytes little-endian. */
export function lengthValue(...parts: string[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const bytes = Buffer.from(part, "utf8");
    const length = Buffer.alloc(4);
    length.writeUInt32LE(bytes.length, 0);
    chunks.push(length, bytes);
  }
  return Buffer.concat(chunks);
}

const publicKey = (base64Der: string): KeyObject => createPublicKey({ key: Buffer.from(base64Der, "base64"), format: "der", type: "spki" });

function verifies(key: KeyObject, data: Buffer, signatureBase64: string): boolean {
  try {
    return key.asymmetricKeyType === "ec" && verify("sha256", data, { key, dsaEncoding: "der" }, Buffer.from(signatureBase64, "base64"));
  } catch {
    return false;
  }
}

let rootKeys: { keys: { key: KeyObject; expiration: number | null }[]; until: number; url: string } | undefined;

/** Google's root signing keys of ECv2SigningOnly, from GOOGLE_WALLET_ROOT_KEYS_URL (cached an hour). */
async function googleRootKeys(now: number): Promise<{ key: KeyObject; expiration: number | null }[]> {
  const url = env.GOOGLE_WALLET_ROOT_KEYS_URL;
  if (rootKeys && rootKeys.url === url && rootKeys.until > now) return rootKeys.keys;
  const res = await fetch(url);
  if (!res.ok) throw new HttpProblem({ status: 503, detail: `Google's root signing keys could not be read (${res.status})`, headers: { "retry-after": "60" } });
  const body = (await res.json()) as { keys?: { keyValue?: string; protocolVersion?: string; keyExpiration?: string }[] };
  const keys = (body.keys ?? [])
    .filter((k) => k.protocolVersion === PROTOCOL_VERSION && typeof k.keyValue === "string")
    .flatMap((k) => {
      try {
        return [{ key: publicKey(k.keyValue!), expiration: k.keyExpiration ? Number(k.keyExpiration) : null }];
      } catch {
        return [];
      }
    });
  rootKeys = { keys, until: now + ROOT_KEYS_TTL_MS, url };
  return keys;
}

/** Forgets the cached root keys (tests that change GOOGLE_WALLET_ROOT_KEYS_URL's keys). */
export function forgetGoogleRootKeys(): void {
  rootKeys = undefined;
}

const unauthorized = (detail: string) => new HttpProblem({ status: 401, detail });

/**
 * Verifies a callback body for `recipientId` (the issuer id) and returns its message.
 * @throws HttpProblem 400 (not a callback body, naming the field), 401 (bad signature, wrong
 *   protocol, expired key or message), 503 (root keys unavailable)
 */
export async function verifyGoogleCallback(bodyText: string, recipientId: string, now = Date.now()): Promise<CallbackMessage> {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    throw new HttpProblem({ status: 400, detail: "the body is not JSON", errors: [{ field: "body", message: "must be JSON" }] });
  }
  const parsed = callbackBody.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new HttpProblem({ status: 400, detail: "not a Google Wallet callback", errors: [{ field: i.path.join(".") || "body", message: i.message }] });
  }
  const body = parsed.data;
  if (body.protocolVersion !== PROTOCOL_VERSION) throw unauthorized(`protocolVersion must be ${PROTOCOL_VERSION}`);

  const roots = (await googleRootKeys(now)).filter((k) => k.expiration === null || k.expiration > now);
  const keyBytes = lengthValue(SENDER_ID, PROTOCOL_VERSION, body.intermediateSigningKey.signedKey);
  const keySigned = roots.some((root) => body.intermediateSigningKey.signatures.some((s) => verifies(root.key, keyBytes, s)));
  if (!keySigned) throw unauthorized("the intermediate signing key is not signed by a Google root signing key");

  let intermediate: KeyObject;
  try {
    const signedKey = signedKeySchema.parse(JSON.parse(body.intermediateSigningKey.signedKey));
    if (Number(signedKey.keyExpiration) <= now) throw unauthorized("the intermediate signing key has expired");
    intermediate = publicKey(signedKey.keyValue);
  } catch (err) {
    if (err instanceof HttpProblem) throw err;
    throw unauthorized("the intermediate signing key cannot be read");
  }
  if (!verifies(intermediate, lengthValue(SENDER_ID, recipientId, PROTOCOL_VERSION, body.signedMessage), body.signature)) {
    throw unauthorized("the message signature is not valid");
  }
  let message: CallbackMessage;
  try {
    message = messageSchema.parse(JSON.parse(body.signedMessage));
  } catch {
    throw unauthorized("the signed message cannot be read");
  }
  if (message.expTimeMillis <= now) throw unauthorized("the message has expired");
  return message;
}

/** What a callback did. */
export interface CallbackOutcome {
  recorded: boolean;
  /** The pass's Google object is unknown here (nothing recorded). */
  unknownObject?: boolean;
}

/**
 * Handles a callback for a tenant (slug or id): verifies it (`verifyGoogleCallback`) and records
 * the save or delete once per nonce (module comment).
 * @throws HttpProblem 400, 401, 503 as verifyGoogleCallback; 404 for a tenant without a Google Wallet issuer
 */
export async function receiveGoogleCallback(input: { tenant: string; bodyText: string; now?: Date }): Promise<CallbackOutcome> {
  let tenant;
  try {
    tenant = await getTenant(input.tenant);
  } catch {
    throw new HttpProblem({ status: 404, detail: "no such tenant" });
  }
  if (!tenant.googleIssuerId) throw new HttpProblem({ status: 404, detail: "this tenant has no Google Wallet issuer" });
  const now = input.now ?? new Date();
  const message = await verifyGoogleCallback(input.bodyText, tenant.googleIssuerId, now.getTime());
  return db().$transaction(async (tx) => {
    const object = await tx.googleWalletObject.findFirst({ where: { tenantId: tenant.id, objectId: message.objectId }, include: { pass: { select: { passTypeId: true } } } });
    if (!object) {
      logger.warn({ tenantId: tenant.id, eventType: message.eventType }, "Google Wallet callback for an unknown object");
      return { recorded: false, unknownObject: true };
    }
    const saved = message.eventType === "save";
    const id = await recordPassEvent(prismaSql(tx), {
      tenantId: tenant.id,
      passId: object.passId,
      passTypeId: object.pass.passTypeId,
      kind: saved ? "INSTALLED" : "REMOVED",
      platform: "GOOGLE",
      detail: { eventType: message.eventType, classId: message.classId },
      dedupeKey: `google:${message.nonce}`,
      occurredAt: now,
    });
    if (!id) return { recorded: false };
    await tx.googleWalletObject.update({ where: { passId: object.passId }, data: saved ? { saved: true, savedAt: now } : { saved: false, removedAt: now } });
    return { recorded: true };
  });
}
