/**
 * The credentials that sign a tenant's passes and open its APNs connection (Apple "Wallet
 * Passes": a pass is signed with the Pass Type ID certificate and key, with Apple's WWDR
 * intermediate in the signature; "Sending push notifications to update passes": the same
 * certificate authenticates to APNs). Stored in WalletCertificate, one per (tenant,
 * passTypeIdentifier), the private key sealed with `encryptSecret`; read through a one-minute
 * cache. Without an imported certificate, the embedded default makes a development chain on
 * first use (./dev-certificates.ts).
 *
 * The key is decrypted and parsed once per certificate revision, however often the minute cache
 * reloads the row: builds sign with that one `PassSigner` (./pass-signature.ts).
 */
import { type WalletCertificate } from "@prisma/client";
import { db } from "../db/client";
import { decryptSecret } from "@/server/platform/crypto";
import { WalletConfigError } from "@/server/platform/errors";
import { createDevelopmentCertificate, devCertificatesAllowed } from "./dev-certificates";
import { passSigner, type PassSigner } from "./pass-signature";

/** Everything a build and the APNs client need: the certificates as PEM, the key decrypted. */
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
  /** The certificate, WWDR and key parsed for signing passes. */
  signer: PassSigner;
}

const CACHE_TTL_MS = 60_000;
const globalCache = globalThis as unknown as { passflowSigning?: Map<string, { at: number; value: Promise<SigningCredentials> }> };
const cache = (globalCache.passflowSigning ??= new Map());

/** The decrypted key and parsed signer of each certificate (by id), for its latest revision. */
interface Unsealed {
  revision: string;
  privateKeyPem: string;
  signer: PassSigner;
}
const globalUnsealed = globalThis as unknown as { passflowSigners?: Map<string, Unsealed> };
const unsealed = (globalUnsealed.passflowSigners ??= new Map());

function unseal(row: WalletCertificate, revision: string): Unsealed {
  const hit = unsealed.get(row.id);
  if (hit?.revision === revision) return hit;
  const privateKeyPem = decryptSecret(row.privateKeyEncrypted);
  const value = { revision, privateKeyPem, signer: passSigner({ certificatePem: row.certificatePem, privateKeyPem, wwdrPem: row.wwdrPem }) };
  unsealed.set(row.id, value);
  return value;
}

function toCredentials(row: WalletCertificate): SigningCredentials {
  const revision = `${row.id}@${row.updatedAt.getTime()}`;
  const { privateKeyPem, signer } = unseal(row, revision);
  return {
    certificateId: row.id,
    passTypeIdentifier: row.passTypeIdentifier,
    teamIdentifier: row.teamIdentifier,
    certificatePem: row.certificatePem,
    privateKeyPem,
    wwdrPem: row.wwdrPem,
    development: row.development,
    expiresAt: row.expiresAt,
    revision,
    signer,
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

/** Drops cached credentials and parsed keys (after an import, in tests). */
export function forgetSigningCredentials(): void {
  cache.clear();
  unsealed.clear();
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
