/**
 * Signed, expiring links for a pass that a merchant sends to customers:
 * - the "Add to Wallet" page, `GET {PUBLIC_URL}/p/{tenant}/{serialNumber}?expires=…&signature=…`;
 * - the pass file, `GET {PUBLIC_URL}/api/{tenant}/passes/{serialNumber}.pkpass?expires=…&signature=…`.
 * Each signature is HMAC-SHA256 over tenant id, serial number and expiry with a key derived from
 * PASSFLOW_ENCRYPTION_KEY for that kind of link (a page signature does not open the file), so
 * links survive restarts, work on every instance and still verify during a key rotation. Links
 * live the tenant's `passLinkTtlDays` (default 7) unless a caller says otherwise. Each download
 * through a signed link (GET, not HEAD) records a DOWNLOADED pass event (platform APPLE).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { db } from "../db/client";
import { derivedKeys } from "@/server/platform/crypto";
import { DomainError } from "@/server/platform/errors";
import { poolSql } from "../db/sql";
import { getTenant } from "../tenants/tenants";
import { recordPassEvent } from "../passes/events";
import { PassKitError } from "./errors";
import { findPassFile, pkpassFile, publicBaseUrl } from "./pass-file";

/** The kinds of signed link, each with a key of its own. */
export type LinkPurpose = "pass-download-link" | "pass-page-link";
const PURPOSE: LinkPurpose = "pass-download-link";
/** Default and maximum lifetime of a link, days (the tenant setting `passLinkTtlDays`) and seconds. */
export const DEFAULT_LINK_TTL_DAYS = 7;
export const MAX_LINK_TTL_DAYS = 366;
export const DEFAULT_LINK_TTL_SECONDS = DEFAULT_LINK_TTL_DAYS * 24 * 3600;
export const MAX_LINK_TTL_SECONDS = MAX_LINK_TTL_DAYS * 24 * 3600;

function mac(key: Buffer, tenantId: string, serialNumber: string, expires: number): Buffer {
  return createHmac("sha256", key).update(`${tenantId}\n${serialNumber}\n${expires}`).digest();
}

/** The `signature` query value of a `purpose` link (current key). */
function sign(purpose: LinkPurpose, tenantId: string, serialNumber: string, expires: number): string {
  return mac(derivedKeys(purpose)[0]!, tenantId, serialNumber, expires).toString("base64url");
}

/**
 * Checks a link's `expires` and `signature` query values (constant time, any current or previous key).
 * @returns "valid", "unsigned" (missing or malformed values), "expired" or "invalid"
 */
export function checkLinkSignature(input: {
  purpose: LinkPurpose;
  tenantId: string;
  serialNumber: string;
  expires: string | null;
  signature: string | null;
  now?: Date;
}): "valid" | "unsigned" | "expired" | "invalid" {
  if (!input.signature || !/^\d{1,12}$/.test(input.expires ?? "")) return "unsigned";
  const expires = Number(input.expires);
  if (expires * 1000 < (input.now ?? new Date()).getTime()) return "expired";
  const given = Buffer.from(input.signature, "base64url");
  const valid = derivedKeys(input.purpose).some((key) => {
    const expected = mac(key, input.tenantId, input.serialNumber, expires);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return valid ? "valid" : "invalid";
}

function checkTtl(ttl: number): void {
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_LINK_TTL_SECONDS) {
    throw new DomainError("invalid_input", `ttl must be 1 to ${MAX_LINK_TTL_SECONDS} seconds`, "ttl");
  }
}

/** The tenant and the live (not erased) pass a link is for. @throws DomainError tenant_not_found, pass_not_found */
async function linkedPass(tenantRef: string, serialNumber: string) {
  const tenant = await getTenant(tenantRef);
  const pass = await db().pass.findFirst({ where: { tenantId: tenant.id, serialNumber, erasedAt: null }, select: { id: true } });
  if (!pass) throw new DomainError("pass_not_found", `tenant ${tenant.slug} has no pass ${JSON.stringify(serialNumber)}`, "serialNumber");
  return tenant;
}

/** A pass's links, both valid until `expiresAt` (ISO 8601). */
export interface PassLinks {
  /** The "Add to Wallet" page. */
  page: string;
  /** The `.pkpass` file. */
  pkpass: string;
  expiresAt: string;
}

/** The signed link of `purpose` for a pass of `tenant`, valid until `expires` (Unix seconds). */
export function signedLink(purpose: LinkPurpose, tenant: { id: string; slug: string }, serialNumber: string, expires: number): string {
  const serial = encodeURIComponent(serialNumber);
  const path = purpose === "pass-page-link" ? `/p/${tenant.slug}/${serial}` : `/api/${tenant.slug}/passes/${serial}.pkpass`;
  return `${publicBaseUrl()}${path}?expires=${expires}&signature=${sign(purpose, tenant.id, serialNumber, expires)}`;
}

/**
 * The `.pkpass` link of a pass valid until `expires` (Unix seconds): the Add to Wallet page's
 * button, which works exactly as long as the page link it is shown for.
 */
export function pkpassLinkUntil(tenant: { id: string; slug: string }, serialNumber: string, expires: number): string {
  return signedLink(PURPOSE, tenant, serialNumber, expires);
}

/**
 * The "Add to Wallet" page link and the `.pkpass` link of a pass, valid `ttlSeconds` (default:
 * the tenant's `passLinkTtlDays`; at most 366 days).
 * @throws DomainError tenant_not_found, pass_not_found, invalid_input (ttl)
 */
export async function passLinks(input: { tenant: string; serialNumber: string; ttlSeconds?: number; now?: Date }): Promise<PassLinks> {
  if (input.ttlSeconds !== undefined) checkTtl(input.ttlSeconds);
  const tenant = await linkedPass(input.tenant, input.serialNumber);
  const ttl = input.ttlSeconds ?? tenant.passLinkTtlDays * 24 * 3600;
  const expires = Math.floor((input.now ?? new Date()).getTime() / 1000) + ttl;
  return {
    page: signedLink("pass-page-link", tenant, input.serialNumber, expires),
    pkpass: signedLink(PURPOSE, tenant, input.serialNumber, expires),
    expiresAt: new Date(expires * 1000).toISOString(),
  };
}

/**
 * A download link for a pass valid `ttlSeconds` (default: the tenant's `passLinkTtlDays`, at most 366 days).
 * @throws DomainError tenant_not_found, pass_not_found, invalid_input (ttl)
 */
export async function passDownloadLink(input: { tenant: string; serialNumber: string; ttlSeconds?: number; now?: Date }): Promise<{ url: string; expiresAt: string }> {
  const links = await passLinks(input);
  return { url: links.pkpass, expiresAt: links.expiresAt };
}

/**
 * Serves a pass through a signed link: checks the signature (constant time, any current or
 * previous key) and expiry, then returns the current .pkpass; a GET (`record`, not a HEAD)
 * records a DOWNLOADED pass event (platform APPLE), one per download.
 * @param file the last path segment, `{serialNumber}.pkpass`
 * @throws PassKitError 404 (not a .pkpass path, unknown tenant or pass), 401 (unsigned or bad
 *   signature), 410 (expired link)
 */
export async function downloadByLink(input: { tenant: string; file: string; expires: string | null; signature: string | null; record?: boolean; now?: Date }) {
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
  const check = checkLinkSignature({ purpose: PURPOSE, tenantId: tenant.id, serialNumber, expires: input.expires, signature: input.signature, now: input.now });
  if (check !== "valid") throw new PassKitError(401, "the link signature is not valid");
  const pass = await findPassFile({ serialNumber, tenant: tenant.id });
  if (!pass) throw new PassKitError(404);
  const file = await pkpassFile(pass);
  // each download is one event (no dedupe key): the funnel counts downloads, not passes
  if (input.record) await recordPassEvent(poolSql(), { tenantId: tenant.id, passId: pass.id, passTypeId: pass.passType.id, kind: "DOWNLOADED", platform: "APPLE", detail: { via: "link" } });
  return { body: file.body, serialNumber, cached: file.cached };
}
