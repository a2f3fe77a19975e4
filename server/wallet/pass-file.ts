/**
 * A pass's current .pkpass, from the build cache or built once: what the web service's "send an
 * updated pass" endpoint, the signed download link and the APNs sender (to warm the cache before
 * devices ask) all serve.
 */
import type { Prisma } from "@prisma/client";
import { db } from "../db/client";
import { poolSql } from "../db/sql";
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

/** A row of `findPassFile`'s query: the record with its relations flattened, times in epoch ms, the version tag as text. */
type PassFileRow = Omit<PassFileRecord, "tenant" | "customer" | "passType" | "versionTag" | "modifiedAt" | "updatedAt"> & {
  versionTag: string;
  modifiedAt: number | null;
  updatedAt: number;
  tenantSlug: string;
  customerId: string | null;
  customIdentifiers: Record<string, string>;
  passTypeId: string;
  passTypeUpdatedAt: number;
  passTypeIdentifier: string;
  teamIdentifier: string;
};

function erasedCondition(includeErased: boolean | "registered" | undefined): string {
  if (includeErased === true) return "";
  if (includeErased === "registered") return `AND (p."erasedAt" IS NULL OR EXISTS (SELECT 1 FROM "Registration" r WHERE r."passId" = p.id))`;
  return `AND p."erasedAt" IS NULL`;
}

/** Epoch milliseconds of a `timestamp` column (stored in UTC), so node-postgres never reads it in the process's time zone. */
const epochMs = (column: string) => `round(EXTRACT(EPOCH FROM ${column}) * 1000)::float8`;

/**
 * One pass with what a download needs, found by id, or by serial number within a tenant (slug or
 * id) and optionally pass type identifier. One SQL statement over the unique serial number (or
 * the id), on node-postgres: this is every device download's lookup, where a Prisma query costs
 * several times the CPU (server/db/sql.ts). A pass whose customer was erased is not found, unless
 * `includeErased`: `true` (the push of its voided version) or `"registered"` (the web service,
 * while a device still holds it: it fetches the voided version until the erasure's grace period
 * drops its registration).
 */
export async function findPassFile(
  where: { passId: string } | { serialNumber: string; tenant: string; passTypeIdentifier?: string },
  opts: { includeErased?: boolean | "registered" } = {},
): Promise<PassFileRecord | undefined> {
  const [condition, params] =
    "passId" in where
      ? [`p.id = $1`, [where.passId]]
      : where.passTypeIdentifier === undefined
        ? [`p."serialNumber" = $1 AND (t.slug = $2 OR t.id = $2)`, [where.serialNumber, where.tenant]]
        : [`p."serialNumber" = $1 AND (t.slug = $2 OR t.id = $2) AND pt."passTypeIdentifier" = $3`, [where.serialNumber, where.tenant, where.passTypeIdentifier]];
  const [row] = await poolSql().query<PassFileRow>(
    `SELECT p.id, p."tenantId", p."serialNumber", p."versionTag"::text AS "versionTag", p.voided, p."alertsMuted", p.notice, p.data, p.metadata, p."authenticationTokenEncrypted",
       ${epochMs(`p."modifiedAt"`)} AS "modifiedAt", ${epochMs(`p."updatedAt"`)} AS "updatedAt", t.slug AS "tenantSlug", c."customerId",
       COALESCE((SELECT jsonb_object_agg(ci.key, ci.value) FROM "CustomerIdentifier" ci WHERE ci."customerRecordId" = c.id), '{}'::jsonb) AS "customIdentifiers",
       pt.id AS "passTypeId", ${epochMs(`pt."updatedAt"`)} AS "passTypeUpdatedAt", pt."passTypeIdentifier", pt."teamIdentifier"
     FROM "Pass" p
     JOIN "Tenant" t ON t.id = p."tenantId"
     JOIN "PassType" pt ON pt.id = p."passTypeId"
     JOIN "Customer" c ON c.id = p."customerRecordId"
     WHERE ${condition} ${erasedCondition(opts.includeErased)}`,
    params,
  );
  if (!row) return undefined;
  const { tenantSlug, customerId, customIdentifiers, passTypeId, passTypeUpdatedAt, passTypeIdentifier, teamIdentifier, versionTag, modifiedAt, updatedAt, ...pass } = row;
  return {
    ...pass,
    versionTag: BigInt(versionTag),
    modifiedAt: modifiedAt === null ? null : new Date(modifiedAt),
    updatedAt: new Date(updatedAt),
    tenant: { id: row.tenantId, slug: tenantSlug },
    customer: { customerId, identifiers: customIdentifiers ?? {} },
    passType: { id: passTypeId, updatedAt: new Date(passTypeUpdatedAt), passTypeIdentifier, teamIdentifier },
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
