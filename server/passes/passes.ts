/**
 * Issuing and reading passes. A pass gets a random serialNumber (UUID) and a random
 * authenticationToken (32 characters; stored encrypted) that never change afterwards (Apple
 * "Wallet Passes" web service reference: the token authenticates every device call).
 */
import { randomUUID } from "node:crypto";
import type { PassType, Tenant } from "@prisma/client";
import { db } from "../db/client";
import { prismaSql, type Sql } from "../db/sql";
import { recordPassEvent } from "./events";
import { DomainError } from "@/server/platform/errors";
import { decryptSecret, encryptSecret, randomToken } from "@/server/platform/crypto";
import { getTenant } from "../tenants/tenants";
import { hasIdentifier, isEmailAddress, normalizeIdentifiers, unknownIdentifierKeys, type Identifiers } from "@/server/identifiers/identifiers";
import { findOrCreateCustomer } from "@/server/identifiers/resolve";
import { computeMetadata } from "@/server/pass-types/pass-types";

export interface IssuePassInput {
  tenant: string;
  passType: string;
  /** Raw identifiers (email, phone, customerId, custom keys), normalized here. */
  identifiers: Record<string, string | undefined>;
  /** Initial field values. */
  data?: Record<string, unknown>;
}

/** A tenant as issuing reads it. */
export type IssuingTenant = Pick<Tenant, "id" | "slug" | "customIdentifierKeys" | "defaultPhoneRegion" | "notProvidedValues">;

/** A pass type as issuing reads it (its id, and what builds a pass's metadata). */
export type IssuingPassType = Pick<PassType, "id" | "style" | "template" | "images" | "fields">;

/**
 * The identifiers of `raw` as issuing takes them (undefined values are not given): every key
 * known to the tenant, none given empty, at least one, a valid email, phones normalized.
 * @throws DomainError invalid_input naming the identifier (`identifiers.<key>`)
 */
export function issuingIdentifiers(raw: Record<string, string | undefined>, tenant: IssuingTenant): Identifiers {
  const unknown = unknownIdentifierKeys(raw, tenant);
  if (unknown.length) {
    const custom = tenant.customIdentifierKeys.length ? tenant.customIdentifierKeys.join(", ") : "none";
    throw new DomainError("invalid_input", `unknown identifier ${unknown.join(", ")}; tenant ${tenant.slug}'s custom identifier keys: ${custom}`, "identifiers");
  }
  // the operator names the customer here: an identifier given empty, or an email that is not
  // one, is a mistake to report rather than a value to drop or store
  for (const [key, value] of Object.entries(raw)) {
    if (value !== undefined && value.trim() === "") throw new DomainError("invalid_input", `identifier ${key} is empty`, `identifiers.${key}`);
  }
  const ids = normalizeIdentifiers(raw, tenant);
  if (!hasIdentifier(ids)) throw new DomainError("invalid_input", "give at least one identifier (email, phone, customer id)", "identifiers");
  if (ids.email && !isEmailAddress(ids.email)) throw new DomainError("invalid_input", `not an email address: ${JSON.stringify(ids.email)}`, "identifiers.email");
  return ids;
}

/**
 * Issues a pass of `passType` to the customer `ids` name (created if new) on `sql`, the caller's
 * transaction: the customer's live pass of the type when there is one (nothing written but the
 * identifiers the customer did not hold yet), else a new pass with `data` and its ISSUED
 * PassEvent. The one issuing path: `issuePass` and bulk enrolment (./imports.ts) both call it.
 * @throws DomainError identifier_conflict
 */
export async function issuePassWith(
  sql: Sql,
  tenantId: string,
  passType: IssuingPassType,
  ids: Identifiers,
  input: Record<string, unknown> = {},
): Promise<{ passId: string; serialNumber: string; created: boolean }> {
  const customer = await findOrCreateCustomer(tenantId, ids, sql);
  if (!customer.created) {
    const [existing] = await sql.query<{ id: string; serialNumber: string }>(
      `SELECT id, "serialNumber" FROM "Pass" WHERE "tenantId" = $1 AND "customerRecordId" = $2 AND "passTypeId" = $3 AND NOT voided ORDER BY "createdAt" LIMIT 1`,
      [tenantId, customer.id, passType.id],
    );
    if (existing) return { passId: existing.id, serialNumber: existing.serialNumber, created: false };
  }
  const data = { points: 0, tier: "Member", ...input };
  const pass = { id: randomUUID(), serialNumber: randomUUID() };
  await sql.query(
    `INSERT INTO "Pass" (id, "tenantId", "customerRecordId", "passTypeId", "serialNumber", "authenticationTokenEncrypted", data, metadata, "createdAt", "updatedAt")
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, (now() AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC'))`,
    [pass.id, tenantId, customer.id, passType.id, pass.serialNumber, encryptSecret(randomToken(24)), JSON.stringify(data), JSON.stringify(computeMetadata(passType as Parameters<typeof computeMetadata>[0], data))],
  );
  await recordPassEvent(sql, { tenantId, passId: pass.id, passTypeId: passType.id, kind: "ISSUED", dedupeKey: `issued:${pass.id}` });
  return { passId: pass.id, serialNumber: pass.serialNumber, created: true };
}

/**
 * Issues a pass of `passType` to the customer the identifiers name (created if new). Idempotent:
 * a customer holds at most one live pass per pass type, and issuing again returns it.
 * @throws DomainError tenant_not_found, pass_type_not_found, invalid_input, identifier_conflict
 */
export async function issuePass(input: IssuePassInput): Promise<{ serialNumber: string; created: boolean }> {
  const tenant = await getTenant(input.tenant);
  const ids = issuingIdentifiers(input.identifiers, tenant);
  return db().$transaction(async (tx) => {
    const passType = await tx.passType.findUnique({ where: { tenantId_key: { tenantId: tenant.id, key: input.passType } } });
    if (!passType) throw new DomainError("pass_type_not_found", `tenant ${tenant.slug} has no pass type ${JSON.stringify(input.passType)}`, "passType");
    const { serialNumber, created } = await issuePassWith(prismaSql(tx), tenant.id, passType, ids, input.data);
    return { serialNumber, created };
  });
}

/** Everything about one pass that operators and scripts need (`pass show --json`). */
export interface PassView {
  serialNumber: string;
  authenticationToken: string;
  passTypeIdentifier: string;
  teamIdentifier: string;
  passType: string;
  tenant: string;
  customer: { email: string | null; phone: string | null; customerId: string | null; custom: Record<string, string> };
  data: unknown;
  metadata: unknown;
  /** Decimal string: the tag is a 64-bit sequence value. */
  versionTag: string;
  voided: boolean;
  updatedAt: string;
}

/** @throws DomainError tenant_not_found, pass_not_found */
export async function showPass(tenantRef: string, serialNumber: string): Promise<PassView> {
  const tenant = await getTenant(tenantRef);
  const pass = await db().pass.findFirst({
    where: { tenantId: tenant.id, serialNumber },
    include: { passType: true, customer: { include: { identifiers: true } } },
  });
  if (!pass) throw new DomainError("pass_not_found", `tenant ${tenant.slug} has no pass ${JSON.stringify(serialNumber)}`, "serialNumber");
  return {
    serialNumber: pass.serialNumber,
    authenticationToken: decryptSecret(pass.authenticationTokenEncrypted),
    passTypeIdentifier: pass.passType.passTypeIdentifier,
    teamIdentifier: pass.passType.teamIdentifier,
    passType: pass.passType.key,
    tenant: tenant.slug,
    customer: {
      email: pass.customer.email,
      phone: pass.customer.phone,
      customerId: pass.customer.customerId,
      custom: Object.fromEntries(pass.customer.identifiers.map((i) => [i.key, i.value])),
    },
    data: pass.data,
    metadata: pass.metadata,
    versionTag: pass.versionTag.toString(),
    voided: pass.voided,
    updatedAt: pass.updatedAt.toISOString(),
  };
}
