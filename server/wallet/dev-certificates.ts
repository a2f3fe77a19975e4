/**
 * Development chains: a self-signed "WWDR" CA and a Pass Type ID certificate it signs, made for
 * pass types without an imported certificate (the embedded default). Passes build and validate
 * structurally, but no real device installs them (the "WWDR" is not Apple's).
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import forge from "node-forge";
import { Prisma, type WalletCertificate } from "@prisma/client";
import { db } from "../db/client";
import { encryptSecret } from "@/server/platform/crypto";
import { env } from "@/server/platform/env";

/** Whether pass types without an imported certificate get a generated development chain. */
export function devCertificatesAllowed(): boolean {
  return env.PASSFLOW_DEV_CERTIFICATES ?? env.NODE_ENV !== "production";
}

export const UID_OID = "0.9.2342.19200300.100.1.1";
/** Apple extension OIDs: Pass Type ID, APNs development and production client. */
const APPLE_PASS_TYPE_OID = "1.2.840.113635.100.6.1.16";
const APPLE_APNS_SANDBOX_OID = "1.2.840.113635.100.6.3.1";
const APPLE_APNS_PRODUCTION_OID = "1.2.840.113635.100.6.3.2";

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
