/**
 * Signed, expiring download links for a pass ("Add to Apple Wallet" links a merchant sends to
 * customers): `GET {PUBLIC_URL}/api/{tenant}/passes/{serialNumber}.pkpass?expires=…&signature=…`.
 * The signature is HMAC-SHA256 over tenant id, serial number and expiry with a key derived from
 * PASSFLOW_ENCRYPTION_KEY, so links survive restarts, work on every instance and still verify
 * during a key rotation.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { db } from "../db/client";
import { derivedKeys } from "@/server/platform/crypto";
import { DomainError } from "@/server/platform/errors";
import { getTenant } from "../tenants/tenants";
import { PassKitError } from "./errors";
import { findPassFile, pkpassFile, publicBaseUrl } from "./pass-file";

const PURPOSE = "pass-download-link";
/** Default and maximum lifetime of a link, seconds. */
export const DEFAULT_LINK_TTL_SECONDS = 7 * 24 * 3600;
export const MAX_LINK_TTL_SECONDS = 366 * 24 * 3600;

function mac(key: Buffer, tenantId: string, serialNumber: string, expires: number): Buffer {
  return createHmac("sha256", key).update(`${tenantId}\n${serialNumber}\n${expires}`).digest();
}

/**
 * A download link for a pass valid `ttlSeconds` (default 7 days, at most 366 days).
 * @throws DomainError tenant_not_found, pass_not_found, invalid_input (ttl)
 */
export async function passDownloadLink(input: { tenant: string; serialNumber: string; ttlSeconds?: number; now?: Date }): Promise<{ url: string; expiresAt: string }> {
  const ttl = input.ttlSeconds ?? DEFAULT_LINK_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_LINK_TTL_SECONDS) {
    throw new DomainError("invalid_input", `ttl must be 1 to ${MAX_LINK_TTL_SECONDS} seconds`, "ttl");
  }
  const tenant = await getTenant(input.tenant);
  const pass = await db().pass.findFirst({ where: { tenantId: tenant.id, serialNumber: input.serialNumber, erasedAt: null }, select: { id: true } });
  if (!pass) throw new DomainError("pass_not_found", `tenant ${tenant.slug} has no pass ${JSON.stringify(input.serialNumber)}`, "serialNumber");
  const expires = Math.floor((input.now ?? new Date()).getTime() / 1000) + ttl;
  const signature = mac(derivedKeys(PURPOSE)[0]!, tenant.id, input.serialNumber, expires).toString("base64url");
  const url = `${publicBaseUrl()}/api/${tenant.slug}/passes/${encodeURIComponent(input.serialNumber)}.pkpass?expires=${expires}&signature=${signature}`;
  return { url, expiresAt: new Date(expires * 1000).toISOString() };
}

/**
 * Serves a pass through a signed link: checks the signature (constant time, any current or
 * previous key) and expiry, then returns the current .pkpass.
 * @param file the last path segment, `{serialNumber}.pkpass`
 * @throws PassKitError 404 (not a .pkpass path, unknown tenant or pass), 401 (unsigned or bad
 *   signature), 410 (expired link)
 */
export async function downloadByLink(input: { tenant: string; file: string; expires: string | null; signature: string | null; now?: Date }) {
  const serialNumber = input.file.endsWith(".pkpass") ? decodeURIComponent(input.file.slice(0, -".pkpass".length)) : "";
  if (!serialNumber) throw new PassKitError(404);
  const expires = Number(input.expires);
  if (!input.signature || !/^\d{1,12}$/.test(input.expires ?? "")) throw new PassKitError(401, "the link is not signed");
  if (expires * 1000 < (input.now ?? new Date()).getTime()) throw new PassKitError(410, "the link has expired: ask for a new one");
  let tenant;
  try {
    tenant = await getTenant(input.tenant);
  } catch {
    throw new PassKitError(404);
  }
  const given = Buffer.from(input.signature, "base64url");
  const valid = derivedKeys(PURPOSE).some((key) => {
    const expected = mac(key, tenant.id, serialNumber, expires);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!valid) throw new PassKitError(401, "the link signature is not valid");
  const pass = await findPassFile({ serialNumber, tenant: tenant.id });
  if (!pass) throw new PassKitError(404);
  const file = await pkpassFile(pass);
  return { body: file.body, serialNumber, cached: file.cached };
}
