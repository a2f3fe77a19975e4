/**
 * A pass's current .pkpass, from the build cache or built once: what the web service's "send an
 * updated pass" endpoint, the signed download link and the APNs sender (to warm the cache before
 * devices ask) all serve.
 */
import { Prisma } from "@prisma/client";
import { db } from "../db/client";
import { env } from "@/server/platform/env";
import { decryptSecret } from "@/server/platform/crypto";
import { buildCache } from "./build-cache";
import { signingCredentials } from "./signing";
import { buildPkpass, cachedPassModel, passModel } from "./pkpass";

/** A pass with what a download needs (pass type images are loaded only to prepare a model). */
export interface PassFileRecord {
  id: string;
  tenantId: string;
  serialNumber: string;
  versionTag: bigint;
  voided: boolean;
  alertsMuted: boolean;
  notice: string | null;
  data: Prisma.JsonValue;
  metadata: Prisma.JsonValue;
  authenticationTokenEncrypted: string;
  modifiedAt: Date | null;
  updatedAt: Date;
  tenant: { id: string; slug: string };
  /** The merchant's customer id and custom identifiers (key → value), for barcode templates. */
  customer: { customerId: string | null; identifiers: Record<string, string> };
  passType: { id: string; updatedAt: Date; passTypeIdentifier: string; teamIdentifier: string };
}

/** A row of `findPassFile`'s query: the record with its relations flattened. */
type PassFileRow = Omit<PassFileRecord, "tenant" | "customer" | "passType"> & {
  tenantSlug: string;
  customerId: string | null;
  customIdentifiers: Record<string, string>;
  passTypeId: string;
  passTypeUpdatedAt: Date;
  passTypeIdentifier: string;
  teamIdentifier: string;
};

function erasedCondition(includeErased: boolean | "registered" | undefined): Prisma.Sql {
  if (includeErased === true) return Prisma.empty;
  if (includeErased === "registered") return Prisma.sql`AND (p."erasedAt" IS NULL OR EXISTS (SELECT 1 FROM "Registration" r WHERE r."passId" = p.id))`;
  return Prisma.sql`AND p."erasedAt" IS NULL`;
}

/**
 * One pass with what a download needs, found by id, or by serial number within a tenant (slug or
 * id) and optionally pass type identifier. One SQL statement: this is every device download's
 * lookup, and Prisma's relation queries cost several times more here. A pass whose customer was
 * erased is not found, unless `includeErased`: `true` (the push of its voided version) or
 * `"registered"` (the web service, while a device still holds it: it fetches the voided version
 * until the erasure's grace period drops its registration).
 */
export async function findPassFile(
  where: { passId: string } | { serialNumber: string; tenant: string; passTypeIdentifier?: string },
  opts: { includeErased?: boolean | "registered" } = {},
): Promise<PassFileRecord | undefined> {
  const condition =
    "passId" in where
      ? Prisma.sql`p.id = ${where.passId}`
      : Prisma.sql`p."serialNumber" = ${where.serialNumber} AND (t.slug = ${where.tenant} OR t.id = ${where.tenant})
          ${where.passTypeIdentifier === undefined ? Prisma.empty : Prisma.sql`AND pt."passTypeIdentifier" = ${where.passTypeIdentifier}`}`;
  const [row] = await db().$queryRaw<PassFileRow[]>`
    SELECT p.id, p."tenantId", p."serialNumber", p."versionTag", p.voided, p."alertsMuted", p.notice, p.data, p.metadata, p."authenticationTokenEncrypted",
      p."modifiedAt", p."updatedAt", t.slug AS "tenantSlug", c."customerId",
      COALESCE((SELECT jsonb_object_agg(ci.key, ci.value) FROM "CustomerIdentifier" ci WHERE ci."customerRecordId" = c.id), '{}'::jsonb) AS "customIdentifiers",
      pt.id AS "passTypeId", pt."updatedAt" AS "passTypeUpdatedAt",
      pt."passTypeIdentifier", pt."teamIdentifier"
    FROM "Pass" p
    JOIN "Tenant" t ON t.id = p."tenantId"
    JOIN "PassType" pt ON pt.id = p."passTypeId"
    JOIN "Customer" c ON c.id = p."customerRecordId"
    WHERE ${condition} ${erasedCondition(opts.includeErased)}`;
  if (!row) return undefined;
  const { tenantSlug, customerId, customIdentifiers, passTypeId, passTypeUpdatedAt, passTypeIdentifier, teamIdentifier, ...pass } = row;
  return {
    ...pass,
    tenant: { id: row.tenantId, slug: tenantSlug },
    customer: { customerId, identifiers: customIdentifiers ?? {} },
    passType: { id: passTypeId, updatedAt: passTypeUpdatedAt, passTypeIdentifier, teamIdentifier },
  };
}

/** The public base URL phones reach (PUBLIC_URL, default http://localhost:$PORT), no trailing slash. */
export function publicBaseUrl(): string {
  return (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, "");
}

/** The pass's webServiceURL: every device call is scoped to the tenant. */
export function webServiceUrl(tenantSlug: string): string {
  return `${publicBaseUrl()}/api/${tenantSlug}/passkit`;
}

/**
 * The version's Last-Modified: the trigger-maintained second (strictly increasing per pass), or
 * the whole second of updatedAt for a row the trigger has not seen.
 */
export function lastModified(pass: Pick<PassFileRecord, "modifiedAt" | "updatedAt">): Date {
  return pass.modifiedAt ?? new Date(Math.floor(pass.updatedAt.getTime() / 1000) * 1000);
}

async function modelFor(pass: PassFileRecord) {
  const cached = cachedPassModel(pass.passType);
  if (cached) return cached;
  return passModel(await db().passType.findUniqueOrThrow({ where: { id: pass.passType.id } }));
}

/**
 * The .pkpass of the pass's current version. `cached` is false when this call built it.
 * @throws WalletConfigError the tenant cannot sign (no certificate, expired)
 */
export async function pkpassFile(pass: PassFileRecord): Promise<{ body: Buffer; cached: boolean }> {
  const credentials = await signingCredentials(pass.tenant.id, pass.passType.passTypeIdentifier, pass.passType.teamIdentifier);
  const key = `${pass.id}:${pass.versionTag}:${pass.passType.id}@${pass.passType.updatedAt.getTime()}:${credentials.revision}`;
  return buildCache().get(key, async () => {
    const model = await modelFor(pass);
    return buildPkpass(
      model,
      {
        serialNumber: pass.serialNumber,
        authenticationToken: decryptSecret(pass.authenticationTokenEncrypted),
        webServiceURL: webServiceUrl(pass.tenant.slug),
        customerId: pass.customer.customerId,
        identifiers: pass.customer.identifiers,
        data: (pass.data ?? {}) as Record<string, unknown>,
        metadata: (pass.metadata ?? {}) as Record<string, unknown>,
        voided: pass.voided,
        alertsMuted: pass.alertsMuted,
        notice: pass.notice,
      },
      credentials,
    );
  });
}
