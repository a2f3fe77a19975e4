/**
 * Issuing and reading passes. A pass gets a random serialNumber (UUID) and a random
 * authenticationToken (32 characters; stored encrypted) that never change afterwards (Apple
 * "Wallet Passes" web service reference: the token authenticates every device call).
 */
import { randomUUID } from "node:crypto";
import type { PassType, Prisma, Tenant } from "@prisma/client";
import { z } from "zod";
import { db } from "../db/client";
import { prismaSql, prismaTransaction, rolledBack, type Sql } from "../db/sql";
import { recordPassEvent, type QueuedTask } from "./events";
import { dispatchTasks } from "@/inngest/dispatch";
import { DomainError, withTaskSubjects } from "@/server/platform/errors";
import { decryptSecret, encryptSecret, randomToken } from "@/server/platform/crypto";
import { getTenant } from "../tenants/tenants";
import { hasIdentifier, isEmailAddress, normalizeIdentifiers, unknownIdentifierKeys, type Identifiers } from "@/server/identifiers/identifiers";
import { findOrCreateCustomer } from "@/server/identifiers/resolve";
import { computeMetadata, fieldDefinitions } from "@/server/pass-types/pass-types";
import { applyFieldValues, fieldValue, type RawFieldValue } from "@/server/pass-types/fields";
import { applyPassUpdate, diffData, type PassChanges } from "./update";

export interface IssuePassInput {
  tenant: string;
  passType: string;
  /** Raw identifiers (email, phone, customerId, custom keys), normalized here. */
  identifiers: Record<string, string | undefined>;
  /** Initial field values, stored as given (the CLI's and the fixtures' own values). */
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
 * PassEvent (its Klaviyo tasks onto `outbox`, for the caller to dispatch after commit). The one
 * issuing path: `issuePass`, the merchant API and flow listener (`issueOrUpdatePassIn`) and bulk
 * enrolment (./imports.ts) all call it.
 * @throws DomainError identifier_conflict
 */
export async function issuePassWith(
  sql: Sql,
  tenantId: string,
  passType: IssuingPassType,
  ids: Identifiers,
  input: Record<string, unknown> = {},
  outbox?: QueuedTask[],
): Promise<{ passId: string; serialNumber: string; customerRecordId: string; created: boolean }> {
  const customer = await findOrCreateCustomer(tenantId, ids, sql);
  // two issues for one customer and pass type (the API, a flow, an import) take turns here, so
  // neither makes a second pass
  await sql.query(`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext('pass-issue'), hashtext($1::text))`, [`${customer.id}:${passType.id}`]);
  if (!customer.created) {
    const [existing] = await sql.query<{ id: string; serialNumber: string }>(
      `SELECT id, "serialNumber" FROM "Pass" WHERE "tenantId" = $1 AND "customerRecordId" = $2 AND "passTypeId" = $3 AND NOT voided ORDER BY "createdAt" LIMIT 1`,
      [tenantId, customer.id, passType.id],
    );
    if (existing) return { passId: existing.id, serialNumber: existing.serialNumber, customerRecordId: customer.id, created: false };
  }
  const data = { points: 0, tier: "Member", ...input };
  const pass = { id: randomUUID(), serialNumber: randomUUID() };
  await sql.query(
    `INSERT INTO "Pass" (id, "tenantId", "customerRecordId", "passTypeId", "serialNumber", "authenticationTokenEncrypted", data, metadata, "createdAt", "updatedAt")
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, (now() AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC'))`,
    [pass.id, tenantId, customer.id, passType.id, pass.serialNumber, encryptSecret(randomToken(24)), JSON.stringify(data), JSON.stringify(computeMetadata(passType as Parameters<typeof computeMetadata>[0], data))],
  );
  await recordPassEvent(sql, { tenantId, passId: pass.id, passTypeId: passType.id, kind: "ISSUED", dedupeKey: `issued:${pass.id}`, outbox });
  return { passId: pass.id, serialNumber: pass.serialNumber, customerRecordId: customer.id, created: true };
}

/** A pass issued, or the live one the customer already held, with its pass type and holder. */
interface IssuedPass {
  serialNumber: string;
  passId: string;
  passTypeId: string;
  customerRecordId: string;
  created: boolean;
}

/**
 * Issues a pass inside `tx` (the rules of `issuePass`); `values` are field values typed by the
 * pass type's field definitions, as pushUpdate's additionalData (errors name `<source>.<key>`).
 * @throws DomainError pass_type_not_found, identifier_conflict, invalid_field_value
 */
async function issueIn(
  tx: Prisma.TransactionClient,
  tenant: Tenant,
  input: { passType: string; ids: Identifiers; data?: Record<string, unknown>; values?: Record<string, RawFieldValue> | null; source?: string },
  outbox?: QueuedTask[],
): Promise<IssuedPass> {
  const passType = await tx.passType.findUnique({ where: { tenantId_key: { tenantId: tenant.id, key: input.passType } } });
  if (!passType) throw new DomainError("pass_type_not_found", `tenant ${tenant.slug} has no pass type ${JSON.stringify(input.passType)}`, "passType");
  const data = input.values
    ? applyFieldValues({ points: 0, tier: "Member", ...input.data }, input.values, fieldDefinitions(passType), { passTypeKey: passType.key, source: input.source, notProvidedValues: tenant.notProvidedValues })
    : input.data;
  const issued = await issuePassWith(prismaSql(tx), tenant.id, passType, input.ids, data, outbox);
  return { ...issued, passTypeId: passType.id };
}

/**
 * Issues a pass of `passType` to the customer the identifiers name (created if new). Idempotent:
 * a customer holds at most one live pass per pass type, and issuing again returns it.
 * @throws DomainError tenant_not_found, pass_type_not_found, invalid_input, identifier_conflict
 */
export async function issuePass(input: IssuePassInput): Promise<{ serialNumber: string; created: boolean }> {
  const tenant = await getTenant(input.tenant);
  const ids = issuingIdentifiers(input.identifiers, tenant);
  const outbox: QueuedTask[] = [];
  const issued = await db().$transaction((tx) => issueIn(tx, tenant, { passType: input.passType, ids, data: input.data }, outbox));
  await dispatchTasks(outbox); // the Klaviyo tasks queued with ISSUED, if the tenant sends to Klaviyo
  return { serialNumber: issued.serialNumber, created: issued.created };
}

/** Input of issuing a pass with field values (the merchant API, the passes/issue listener, its PASS_ISSUE task). */
export const issueOrUpdateInput = z.object({
  /** Identifiers as sent (strings); normalized and checked by `issueIdentifiers`. */
  identifiers: z.record(z.string(), z.string()),
  passType: z.string(),
  /** Field values typed like pushUpdate's additionalData; null (or absent) when none. */
  additionalData: z.record(z.string(), fieldValue).nullable(),
});
export type IssueOrUpdateInput = z.infer<typeof issueOrUpdateInput>;

export interface IssueOrUpdateResult {
  /** True when a new pass was issued; false when the customer's live pass of the type was found. */
  created: boolean;
  /** True when the found pass changed (a new version, to push). */
  changed: boolean;
  passId: string;
  customerRecordId: string;
  serialNumber: string;
  passType: string;
  /** The pass's version tag (decimal string). */
  versionTag: string;
  /** The found pass changed and has a Google Wallet object to PATCH (a new pass has none). */
  googleObject: boolean;
  /** What issuing or updating set: one entry per field (from null for a new pass), plus passType / metadata. */
  changes: PassChanges;
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return e.code === "P2002" || e.code === "23505" || e.cause?.code === "23505";
}

/**
 * Issues a pass of `input.passType` with `additionalData` as its first values, or, when the
 * customer already holds a live pass of that type, applies `additionalData` to it as an update
 * (server/passes/update.ts `applyPassUpdate`: a PassChange, a new version tag; the caller sends
 * `pass.changed` when `changed`). Never a second pass per customer and pass type. In the caller's
 * transaction `tx`; `taskId` is the task the change is recorded for (none for the merchant API).
 * The Klaviyo tasks of its pass events go onto `opts.outbox`, for the caller to dispatch after commit.
 * @throws DomainError invalid_input, identifier_conflict, pass_type_not_found, invalid_field_value
 *   (the field named `additionalData.<key>`, or `<source>.<key>`)
 */
export async function issueOrUpdatePassIn(
  tx: Prisma.TransactionClient,
  tenant: Tenant,
  input: IssueOrUpdateInput,
  taskId: string | null,
  opts: { source?: string; outbox?: QueuedTask[] } = {},
): Promise<IssueOrUpdateResult> {
  const ids = issuingIdentifiers(input.identifiers, tenant);
  const issued = await issueIn(tx, tenant, { passType: input.passType, ids, values: input.additionalData, source: opts.source }, opts.outbox);
  if (issued.created) {
    const pass = await tx.pass.findUniqueOrThrow({ where: { id: issued.passId }, select: { data: true, versionTag: true } });
    return {
      ...issued,
      changed: false,
      passType: input.passType,
      versionTag: pass.versionTag.toString(),
      googleObject: false,
      changes: diffData({}, pass.data as Record<string, unknown>),
    };
  }
  return withTaskSubjects({ passId: issued.passId, customerRecordId: issued.customerRecordId }, async () => {
    const update = await applyPassUpdate(
      prismaSql(tx),
      tenant,
      { identifiers: input.identifiers, passType: input.passType, additionalData: input.additionalData, updateMetadata: false },
      taskId,
      { source: opts.source, outbox: opts.outbox },
    );
    if (update.passId !== issued.passId) throw new Error(`pass-issue: the update chose pass ${update.serialNumber}, not ${issued.serialNumber}`);
    return { ...issued, changed: update.changed, passType: input.passType, versionTag: update.versionTag, googleObject: update.googleObject, changes: update.changes };
  });
}

/**
 * `issueOrUpdatePassIn` in a transaction of its own (retried once when a concurrent issue for the
 * same new customer won the race to create it); `dryRun` decides the same answer and rolls back.
 * @throws DomainError tenant_not_found and those of issueOrUpdatePassIn
 */
export async function issueOrUpdatePass(
  tenantRef: string,
  input: IssueOrUpdateInput,
  opts: { dryRun?: boolean; source?: string } = {},
): Promise<IssueOrUpdateResult> {
  const tenant = await getTenant(tenantRef);
  let outbox: QueuedTask[] = [];
  const work = (tx: Prisma.TransactionClient) => issueOrUpdatePassIn(tx, tenant, input, null, { source: opts.source, outbox });
  const attempt = () => (opts.dryRun ? rolledBack(prismaTransaction, work) : prismaTransaction(work));
  let result: IssueOrUpdateResult;
  try {
    result = await attempt();
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    outbox = [];
    result = await attempt();
  }
  if (!opts.dryRun) await dispatchTasks(outbox); // the Klaviyo tasks of its pass events
  return result;
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
