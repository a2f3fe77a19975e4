/**
 * The `signature` file of a .pkpass, made with Node's native crypto (Apple "Building a Pass":
 * "a PKCS #7 detached signature of the manifest file, using the private key associated with your
 * signing certificate. Include the WWDR intermediate certificate as part of the signature …
 * Include the date and time that the pass was signed using the S/MIME signing-time attribute").
 *
 * The structure is a CMS SignedData (RFC 5652) in DER, built with @peculiar/asn1-cms and shaped
 * like the signatures passkit-generator makes with node-forge: version 1, SHA-1 digest,
 * signature algorithm rsaEncryption (RSASSA-PKCS1-v1_5 over SHA-1), signer identified by issuer
 * and serial number, signed attributes content type (id-data), signing time (UTCTime) and message
 * digest, the signer and WWDR certificates, and no encapsulated content (detached). Unlike forge
 * it DER-sorts the SET OF attributes and certificates, as RFC 5652 asks.
 */
import { createHash, createPrivateKey, sign, X509Certificate, type KeyObject } from "node:crypto";
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  CMSVersion,
  DigestAlgorithmIdentifier,
  DigestAlgorithmIdentifiers,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  SignatureAlgorithmIdentifier,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
  SigningTime,
  id_contentType,
  id_data,
  id_messageDigest,
  id_signedData,
  id_signingTime,
} from "@peculiar/asn1-cms";
import { AsnArray, AsnConvert, AsnObjectIdentifierConverter, AsnProp, AsnPropTypes, AsnSetType, OctetString } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";

/** id-sha1 (RFC 3279) and rsaEncryption (RFC 8017): the algorithms forge's signatures name. */
const ID_SHA1 = "1.3.14.3.2.26";
const ID_RSA_ENCRYPTION = "1.2.840.113549.1.1.1";

/**
 * `SignedAttributes ::= SET SIZE (1..MAX) OF Attribute` with its own SET tag: the encoding the
 * signature covers (RFC 5652 §5.4), where SignerInfo carries the same SET as `[0] IMPLICIT`.
 */
class SignedAttributes extends AsnArray<Attribute> {}
AsnSetType({ itemType: Attribute })(SignedAttributes);

/**
 * `ContentInfo` (RFC 5652 §3) with its content typed as SignedData: asn1-cms's ContentInfo holds
 * the content as an ANY, which it would parse back from DER to encode it again, every build.
 */
class SignedDataContentInfo {
  contentType = id_signedData;
  content: SignedData;
  constructor(content: SignedData) {
    this.content = content;
  }
}
AsnProp({ type: AsnPropTypes.ObjectIdentifier })(SignedDataContentInfo.prototype, "contentType");
AsnProp({ type: SignedData, context: 0 })(SignedDataContentInfo.prototype, "content");

/** A Pass Type ID certificate ready to sign: parsed once, then used for every build. */
export interface PassSigner {
  /** The certificate's RSA private key. */
  privateKey: KeyObject;
  /** The signer's issuer and serial number (SignerInfo.sid). */
  sid: SignerIdentifier;
  /** The signer and WWDR certificates, in DER order (SignedData.certificates). */
  certificates: CertificateChoices[];
}

/** The items in DER order of a SET OF: by their encodings, compared as octet strings (X.690 §11.6). */
function derSetOrder<T>(items: T[]): T[] {
  return items
    .map((item) => ({ item, der: Buffer.from(AsnConvert.serialize(item)) }))
    .sort((a, b) => Buffer.compare(a.der, b.der))
    .map((e) => e.item);
}

/**
 * Parses a Pass Type ID certificate, its unencrypted private key and the WWDR certificate (PEM)
 * into a `PassSigner`, to be kept per certificate (./signing.ts does) and used for every build.
 * @throws Error when a PEM does not parse
 */
export function passSigner(pem: { certificatePem: string; privateKeyPem: string; wwdrPem: string }): PassSigner {
  const signer = AsnConvert.parse(new X509Certificate(pem.certificatePem).raw, Certificate);
  const wwdr = AsnConvert.parse(new X509Certificate(pem.wwdrPem).raw, Certificate);
  return {
    privateKey: createPrivateKey(pem.privateKeyPem),
    sid: new SignerIdentifier({
      issuerAndSerialNumber: new IssuerAndSerialNumber({ issuer: signer.tbsCertificate.issuer, serialNumber: signer.tbsCertificate.serialNumber }),
    }),
    certificates: derSetOrder([signer, wwdr].map((certificate) => new CertificateChoices({ certificate }))),
  };
}

/**
 * The detached signature of `manifest` (the manifest.json bytes) as DER: a ContentInfo holding
 * the SignedData described above, signed now (or at `signingTime`).
 */
export function signManifest(manifest: Buffer, signer: PassSigner, signingTime: Date = new Date()): Buffer {
  const attribute = (attrType: string, value: ArrayBuffer) => new Attribute({ attrType, attrValues: [value] });
  const signedAttrs = derSetOrder([
    attribute(id_contentType, AsnObjectIdentifierConverter.toASN(id_data).toBER()),
    attribute(id_signingTime, AsnConvert.serialize(new SigningTime(signingTime))),
    attribute(id_messageDigest, AsnConvert.serialize(new OctetString(createHash("sha1").update(manifest).digest()))),
  ]);
  const signature = sign("sha1", Buffer.from(AsnConvert.serialize(new SignedAttributes(signedAttrs))), signer.privateKey);
  const sha1 = new DigestAlgorithmIdentifier({ algorithm: ID_SHA1, parameters: null });
  const signedData = new SignedData({
    version: CMSVersion.v1,
    digestAlgorithms: new DigestAlgorithmIdentifiers([sha1]),
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: id_data }),
    certificates: new CertificateSet(signer.certificates),
    signerInfos: new SignerInfos([
      new SignerInfo({
        version: CMSVersion.v1,
        sid: signer.sid,
        digestAlgorithm: sha1,
        signedAttrs,
        signatureAlgorithm: new SignatureAlgorithmIdentifier({ algorithm: ID_RSA_ENCRYPTION, parameters: null }),
        signature: new OctetString(signature),
      }),
    ]),
  });
  return Buffer.from(AsnConvert.serialize(new SignedDataContentInfo(signedData)));
}
