/**
 * Importing a tenant's Pass Type ID certificate (the CLI's `cert import`): PEM or PKCS#12 plus
 * Apple's WWDR intermediate, checked to belong together, the key stored sealed with
 * `encryptSecret` (AES-256-GCM, PASSFLOW_ENCRYPTION_KEY), and listing them without keys.
 */
import forge from "node-forge";
import { db } from "../db/client";
import { encryptSecret } from "@/server/platform/crypto";
import { audit } from "@/server/staff/audit";
import { DomainError } from "@/server/platform/errors";
import { getTenant } from "../tenants/tenants";
import { forgetSigningCredentials } from "./signing";
import { UID_OID } from "./dev-certificates";

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
