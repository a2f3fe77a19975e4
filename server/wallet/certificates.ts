/**
 * Pass Type ID certificates per tenant: what signs a tenant's passes and opens its APNs
 * connection (Apple "Wallet Passes": a pass is signed with the Pass Type ID certificate and key,
 * with Apple's WWDR intermediate in the signature; "Sending push notifications to update passes":
 * the same certificate authenticates to APNs).
 *
 * Stored in WalletCertificate, one per (tenant, passTypeIdentifier): the certificate and WWDR as
 * PEM, the private key as PEM sealed with `encryptSecret` (AES-256-GCM, PASSFLOW_ENCRYPTION_KEY;
 * see the README on rotating that key). Certificates come in through `importCertificate` (PEM or
 * PKCS#12, the CLI's `cert import`). Without one, the embedded default makes a self-signed
 * development chain on first use: passes build and validate structurally, but no real device
 * installs them (its "WWDR" is not Apple's).
 */
import { generateKeyPairSync, createPrivateKey, randomBytes } from "node:crypto";
import forge from "node-forge";
import { Prisma, type WalletCertificate } from "@prisma/client";
import { db } from "../db/client";
import { env } from "@/server/platform/env";
import { decryptSecret, encryptSecret } from "@/server/platform/crypto";
import { audit } from "@/server/staff/audit";
import { DomainError } from "@/server/platform/errors";
import { getTenant } from "../tenants/tenants";
import { WalletConfigError } from "./errors";

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

const UID_OID = "0.9.2342.19200300.100.1.1";
/** Apple extension OIDs: Pass Type ID, APNs development and production client. */
const APPLE_PASS_TYPE_OID = "1.2.840.113635.100.6.1.16";
const APPLE_APNS_SANDBOX_OID = "1.2.840.113635.100.6.3.1";
const APPLE_APNS_PRODUCTION_OID = "1.2.840.113635.100.6.3.2";

/** Whether pass types without an imported certificate get a generated development chain. */
export function devCertificatesAllowed(): boolean {
  return env.PASSFLOW_DEV_CERTIFICATES ?? env.NODE_ENV !== "production";
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

/**
 * Stores a generated development chain for `passTypeIdentifier` unless the tenant already has a
 * certificate for it (concurrent callers end up with the same row).
 */
export async function createDevelopmentCertificate(tenantId: string, passTypeIdentifier: string, teamIdentifier: string): Promise<WalletCertificate> {
  const chain = generateDevelopmentChain(passTypeIdentifier, teamIdentifier);
  try {
    return await db().walletCertificate.create({
      data: {
        tenantId,
        passTypeIdentifier,
        teamIdentifier,
        certificatePem: chain.certificatePem,
        privateKeyEncrypted: encryptSecret(chain.privateKeyPem),
        wwdrPem: chain.wwdrPem,
        development: true,
        expiresAt: chain.expiresAt,
      },
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      return db().walletCertificate.findUniqueOrThrow({ where: { tenantId_passTypeIdentifier: { tenantId, passTypeIdentifier } } });
    }
    throw err;
  }
}

/** Development chains for every pass type of every tenant that has none yet (`npm run dev`). */
export async function ensureDevelopmentCertificates(): Promise<number> {
  if (!devCertificatesAllowed()) return 0;
  const types = await db().passType.findMany({ select: { tenantId: true, passTypeIdentifier: true, teamIdentifier: true }, distinct: ["tenantId", "passTypeIdentifier"] });
  const existing = await db().walletCertificate.findMany({ select: { tenantId: true, passTypeIdentifier: true } });
  const have = new Set(existing.map((c) => `${c.tenantId}:${c.passTypeIdentifier}`));
  let created = 0;
  for (const t of types) {
    if (have.has(`${t.tenantId}:${t.passTypeIdentifier}`)) continue;
    await createDevelopmentCertificate(t.tenantId, t.passTypeIdentifier, t.teamIdentifier);
    created++;
  }
  return created;
}

/** PEM of a new 2048-bit RSA key pair (node:crypto is ~100× faster than node-forge here). */
export function rsaKeyPair() {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    publicKey: forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString()),
    privateKey: forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString()),
  };
}

/** An extension node-forge does not know by name, with an ASN.1 NULL value (as Apple's are). */
function appleExtension(id: string) {
  return { id, critical: false, value: forge.asn1.toDer(forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.NULL, false, "")).getBytes() };
}

/**
 * A self-signed "WWDR" CA and a Pass Type ID certificate it issued, both named as development
 * only. The signer carries Apple's Pass Type ID and APNs client extensions so the same
 * credentials open a connection to the local APNs mock through @parse/node-apn, which checks them.
 * Valid five years. Returns PEM; the key is unencrypted (encrypt before storing).
 */
export function generateDevelopmentChain(passTypeIdentifier: string, teamIdentifier: string) {
  const notBefore = new Date(Date.now() - 86_400_000);
  const expiresAt = new Date(Date.now() + 5 * 365 * 86_400_000);
  const ca = rsaKeyPair();
  const caName = [
    { name: "commonName", value: "Passflow Development WWDR CA (NOT APPLE, NOT FOR DEVICES)" },
    { name: "organizationName", value: "Passflow development" },
  ];
  const caCert = forge.pki.createCertificate();
  caCert.publicKey = ca.publicKey;
  caCert.serialNumber = "01" + randomBytes(8).toString("hex");
  caCert.validity.notBefore = notBefore;
  caCert.validity.notAfter = expiresAt;
  caCert.setSubject(caName);
  caCert.setIssuer(caName);
  caCert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  caCert.sign(ca.privateKey, forge.md.sha256.create());

  const signer = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = signer.publicKey;
  cert.serialNumber = "02" + randomBytes(8).toString("hex");
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = expiresAt;
  cert.setSubject([
    { name: "commonName", value: `Pass Type ID: ${passTypeIdentifier}` },
    { type: UID_OID, value: passTypeIdentifier },
    { name: "organizationalUnitName", value: teamIdentifier },
    { name: "organizationName", value: "Passflow development (not installable on a device)" },
  ]);
  cert.setIssuer(caName);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, critical: true },
    { name: "extKeyUsage", clientAuth: true },
    appleExtension(APPLE_PASS_TYPE_OID),
    appleExtension(APPLE_APNS_SANDBOX_OID),
    appleExtension(APPLE_APNS_PRODUCTION_OID),
  ]);
  cert.sign(ca.privateKey, forge.md.sha256.create());
  return {
    wwdrPem: forge.pki.certificateToPem(caCert),
    certificatePem: forge.pki.certificateToPem(cert),
    privateKeyPem: forge.pki.privateKeyToPem(signer.privateKey),
    expiresAt,
  };
}

export interface ImportCertificateInput {
  tenant: string;
  /** PEM certificate and key (the key may be encrypted: give `passphrase`)… */
  certificatePem?: string;
  privateKeyPem?: string;
  /** …or a PKCS#12 (.p12) file as exported from Keychain Access. */
  p12?: Buffer;
  /** Passphrase of the encrypted key or of the .p12. */
  passphrase?: string;
  /** Apple WWDR intermediate (PEM). Optional when the .p12 carries the issuer. */
  wwdrPem?: string;
  /** Pass type keys that switch to this certificate's identifiers (default: all of the tenant's). */
  passTypes?: string[];
  actor: string;
}

export interface ImportedCertificate {
  tenant: string;
  passTypeIdentifier: string;
  teamIdentifier: string;
  expiresAt: string;
  passTypes: string[];
}

function attribute(cert: forge.pki.Certificate, query: { name?: string; type?: string }): string | undefined {
  const value = cert.subject.getField(query)?.value as unknown;
  return typeof value === "string" ? value : undefined;
}

function sameKey(cert: forge.pki.Certificate, key: forge.pki.rsa.PrivateKey): boolean {
  const pub = cert.publicKey as forge.pki.rsa.PublicKey;
  return typeof pub.n?.equals === "function" && pub.n.equals(key.n) && pub.e.equals(key.e);
}

function readP12(p12: Buffer, passphrase: string) {
  let parsed: forge.pkcs12.Pkcs12Pfx;
  try {
    parsed = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(p12.toString("binary")), passphrase);
  } catch (err) {
    throw new DomainError("invalid_input", `cannot read the .p12 (wrong passphrase or not PKCS#12): ${(err as Error).message}`, "p12");
  }
  const certs = (parsed.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [])
    .map((b) => b.cert)
    .filter((c): c is forge.pki.Certificate => !!c);
  const keyBags = [
    ...(parsed.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!] ?? []),
    ...(parsed.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!] ?? []),
  ];
  const key = keyBags.map((b) => b.key).find((k) => !!k) as forge.pki.rsa.PrivateKey | undefined;
  if (!key) throw new DomainError("invalid_input", "the .p12 holds no private key", "p12");
  return { certs, key };
}

function readPem(certificatePem: string, privateKeyPem: string, passphrase?: string) {
  let cert: forge.pki.Certificate;
  try {
    cert = forge.pki.certificateFromPem(certificatePem);
  } catch (err) {
    throw new DomainError("invalid_input", `the certificate is not a PEM X.509 certificate: ${(err as Error).message}`, "certificate");
  }
  let key: forge.pki.rsa.PrivateKey | null;
  try {
    key = forge.pki.decryptRsaPrivateKey(privateKeyPem, passphrase ?? "");
  } catch (err) {
    throw new DomainError("invalid_input", `the key is not a PEM RSA private key: ${(err as Error).message}`, "key");
  }
  if (!key) throw new DomainError("invalid_input", "cannot read the private key (encrypted: wrong or missing passphrase?)", "key");
  return { certs: [cert], key };
}

function issuedBy(child: forge.pki.Certificate, issuer: forge.pki.Certificate): boolean {
  try {
    return issuer.verify(child);
  } catch {
    return false;
  }
}

/**
 * Imports a tenant's Pass Type ID certificate (PEM pair or .p12) with the WWDR intermediate:
 * checks that key and certificate match, that the WWDR issued it and that it has not expired;
 * stores it (key encrypted) replacing any earlier one for the same passTypeIdentifier; and
 * points the tenant's pass types at its passTypeIdentifier (UID) and teamIdentifier (OU).
 * @throws DomainError invalid_input (unreadable, mismatched, expired, no identifier), tenant_not_found, pass_type_not_found
 */
export async function importCertificate(input: ImportCertificateInput): Promise<ImportedCertificate> {
  const tenant = await getTenant(input.tenant);
  const read = input.p12
    ? readP12(input.p12, input.passphrase ?? "")
    : input.certificatePem && input.privateKeyPem
      ? readPem(input.certificatePem, input.privateKeyPem, input.passphrase)
      : (() => {
          throw new DomainError("invalid_input", "give a certificate and key (PEM) or a .p12", "certificate");
        })();
  const signer = read.certs.find((c) => sameKey(c, read.key));
  if (!signer) throw new DomainError("invalid_input", "the private key does not belong to the certificate", "key");
  const passTypeIdentifier = attribute(signer, { type: UID_OID }) ?? attribute(signer, { name: "commonName" })?.match(/^Pass Type ID: (.+)$/)?.[1];
  const teamIdentifier = attribute(signer, { name: "organizationalUnitName" });
  if (!passTypeIdentifier || !teamIdentifier) {
    throw new DomainError("invalid_input", "not a Pass Type ID certificate: its subject has no UID (pass type identifier) or OU (team)", "certificate");
  }
  if (signer.validity.notAfter.getTime() < Date.now()) {
    throw new DomainError("invalid_input", `the certificate expired on ${signer.validity.notAfter.toISOString()}`, "certificate");
  }
  let wwdr: forge.pki.Certificate | undefined;
  if (input.wwdrPem) {
    try {
      wwdr = forge.pki.certificateFromPem(input.wwdrPem);
    } catch (err) {
      throw new DomainError("invalid_input", `the WWDR certificate is not PEM: ${(err as Error).message}`, "wwdr");
    }
  } else {
    wwdr = read.certs.find((c) => c !== signer && issuedBy(signer, c));
    if (!wwdr) throw new DomainError("invalid_input", "give Apple's WWDR intermediate certificate (--wwdr): the .p12 does not include it", "wwdr");
  }
  if (!issuedBy(signer, wwdr)) throw new DomainError("invalid_input", "the WWDR certificate did not issue this certificate (wrong WWDR generation?)", "wwdr");

  const data = {
    teamIdentifier,
    certificatePem: forge.pki.certificateToPem(signer),
    privateKeyEncrypted: encryptSecret(forge.pki.privateKeyToPem(read.key)),
    wwdrPem: forge.pki.certificateToPem(wwdr),
    development: false,
    expiresAt: signer.validity.notAfter,
  };
  const passTypes = await db().$transaction(async (tx) => {
    await tx.walletCertificate.upsert({
      where: { tenantId_passTypeIdentifier: { tenantId: tenant.id, passTypeIdentifier } },
      create: { tenantId: tenant.id, passTypeIdentifier, ...data },
      update: data,
    });
    const types = await tx.passType.findMany({ where: { tenantId: tenant.id }, select: { id: true, key: true } });
    const wanted = input.passTypes?.length ? input.passTypes : types.map((t) => t.key);
    for (const key of wanted) {
      if (!types.some((t) => t.key === key)) throw new DomainError("pass_type_not_found", `tenant ${tenant.slug} has no pass type ${JSON.stringify(key)}`, "passTypes");
    }
    await tx.passType.updateMany({ where: { tenantId: tenant.id, key: { in: wanted } }, data: { passTypeIdentifier, teamIdentifier } });
    await audit(
      { actor: input.actor, action: "wallet.certificate.import", targetType: "WalletCertificate", tenantId: tenant.id, details: { passTypeIdentifier, teamIdentifier, passTypes: wanted } },
      tx,
    );
    return wanted;
  });
  forgetSigningCredentials();
  return { tenant: tenant.slug, passTypeIdentifier, teamIdentifier, expiresAt: signer.validity.notAfter.toISOString(), passTypes };
}

/**
 * Configures token-based APNs (an Apple .p8 auth key) for a tenant; pushes then use a provider
 * token instead of the Pass Type ID certificate's TLS client authentication.
 * @throws DomainError invalid_input (not an EC P-256 PKCS#8 key, malformed ids), tenant_not_found
 */
export async function setApnsKey(input: { tenant: string; keyId: string; teamId: string; p8Pem: string; actor: string }): Promise<void> {
  const tenant = await getTenant(input.tenant);
  if (!/^[A-Z0-9]{10}$/.test(input.keyId)) throw new DomainError("invalid_input", "key id must be 10 upper-case letters or digits", "keyId");
  if (!/^[A-Z0-9]{10}$/.test(input.teamId)) throw new DomainError("invalid_input", "team id must be 10 upper-case letters or digits", "teamId");
  try {
    const key = createPrivateKey(input.p8Pem);
    if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") throw new Error("not an EC P-256 key");
  } catch (err) {
    throw new DomainError("invalid_input", `not an APNs auth key (.p8): ${(err as Error).message}`, "p8");
  }
  await db().tenant.update({
    where: { id: tenant.id },
    data: { apnsKeyId: input.keyId, apnsTeamId: input.teamId, apnsKeyEncrypted: encryptSecret(input.p8Pem) },
  });
  await audit({ actor: input.actor, action: "wallet.apns_key.set", targetType: "Tenant", targetId: tenant.id, tenantId: tenant.id, details: { keyId: input.keyId, teamId: input.teamId } });
}

/** A tenant's certificates for listings (`cert list`), without keys. */
export async function listCertificates(tenantRef: string) {
  const tenant = await getTenant(tenantRef);
  const rows = await db().walletCertificate.findMany({
    where: { tenantId: tenant.id },
    select: { passTypeIdentifier: true, teamIdentifier: true, development: true, expiresAt: true, updatedAt: true },
    orderBy: { passTypeIdentifier: "asc" },
  });
  return rows.map((r) => ({ ...r, expiresAt: r.expiresAt.toISOString(), updatedAt: r.updatedAt.toISOString() }));
}
