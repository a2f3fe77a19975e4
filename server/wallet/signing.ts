/**
 * The credentials that sign a tenant's passes and open its APNs connection (Apple "Wallet
 * Passes": a pass is signed with the Pass Type ID certificate and key, with Apple's WWDR
 * intermediate in the signature; "Sending push notifications to update passes": the same
 * certificate authenticates to APNs). Stored in WalletCertificate, one per (tenant,
 * passTypeIdentifier), the private key sealed with `encryptSecret`; read through a one-minute
 * cache. Without an imported certificate, the embedded default makes a development chain on
 * first use (./dev-certificates.ts).
 */
import { type WalletCertificate } from "@prisma/client";
import { db } from "../db/client";
import { decryptSecret } from "@/server/platform/crypto";
import { WalletConfigError } from "@/server/platform/errors";
import { createDevelopmentCertificate, devCertificatesAllowed } from "./dev-certificates";

/** Everything passkit-generator and the APNs client need, decrypted, as PEM. */
export interface SigningCredentials {
  certificateId: string;
  passTypeIdentifier: string;
  teamIdentifier: string;
  certificatePem: string;
  privateKeyPem: string;
  wwdrPem: string;
  development: boolean;
  expiresAt: Date;
  /** Changes whenever the stored certificate does (cache keys, APNs connection keys). */
  revision: string;
}


const CACHE_TTL_MS = 60_000;
const globalCache = globalThis as unknown as { passflowSigning?: Map<string, { at: number; value: Promise<SigningCredentials> }> };
const cache = (globalCache.passflowSigning ??= new Map());

function toCredentials(row: WalletCertificate): SigningCredentials {
  return {
    certificateId: row.id,
    passTypeIdentifier: row.passTypeIdentifier,
    teamIdentifier: row.teamIdentifier,
    certificatePem: row.certificatePem,
    privateKeyPem: decryptSecret(row.privateKeyEncrypted),
    wwdrPem: row.wwdrPem,
    development: row.development,
    expiresAt: row.expiresAt,
    revision: `${row.id}@${row.updatedAt.getTime()}`,
  };
}

/**
 * The signing credentials of a tenant's pass type identifier, cached in memory for a minute.
 * Creates the development chain on first use when `devCertificatesAllowed()`.
 * @throws WalletConfigError no certificate (and development chains off), or it has expired
 */
export function signingCredentials(tenantId: string, passTypeIdentifier: string, teamIdentifier: string): Promise<SigningCredentials> {
  const key = `${tenantId}:${passTypeIdentifier}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_TTL_MS) return hit.value;
  const value = loadCredentials(tenantId, passTypeIdentifier, teamIdentifier);
  cache.set(key, { at: Date.now(), value });
  value.catch(() => cache.delete(key));
  return value;
}

/** Drops cached credentials (after an import, in tests). */
export function forgetSigningCredentials(): void {
  cache.clear();
}

async function loadCredentials(tenantId: string, passTypeIdentifier: string, teamIdentifier: string): Promise<SigningCredentials> {
  let row = await db().walletCertificate.findUnique({ where: { tenantId_passTypeIdentifier: { tenantId, passTypeIdentifier } } });
  if (!row) {
    if (!devCertificatesAllowed()) {
      throw new WalletConfigError(`no Pass Type ID certificate for ${passTypeIdentifier}: import one with \`cert import\``);
    }
    row = await createDevelopmentCertificate(tenantId, passTypeIdentifier, teamIdentifier);
  }
  if (row.expiresAt.getTime() < Date.now()) {
    throw new WalletConfigError(`the Pass Type ID certificate for ${passTypeIdentifier} expired on ${row.expiresAt.toISOString()}`);
  }
  return toCredentials(row);
}
