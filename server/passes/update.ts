/**
 * Changing a pass from a Klaviyo pushUpdate: find the pass the identifiers name, apply
 * `additionalData` typed by the pass type's field definitions, convert the pass type, recompute
 * metadata, and record the change with a new version tag. Runs inside the caller's transaction;
 * nothing is written unless every value is valid.
 *
 * Which pass? All given identifiers must name one customer (`findCustomer`); then:
 * 1. the customer holds one live (not voided) pass → that pass;
 * 2. the customer holds several and `passType` names the type of exactly one of them → that pass
 *    (no conversion happens then);
 * 3. otherwise → `ambiguous_pass`, naming the serial numbers: nothing is guessed.
 *
 * Metadata is recomputed when `updateMetadata` is true or the pass type changes (a converted pass
 * must not keep the old type's colors and images). A changed pass gets the next value of the one
 * version-tag sequence (`Pass.versionTag` is a BIGSERIAL), so tags order changes across all passes
 * and Apple's passesUpdatedSince can compare them; an update that changes nothing keeps its tag.
 */
import { randomUUID } from "node:crypto";
import type { PassType } from "@prisma/client";
import type { Sql } from "../db/sql";
import { recordPassEvent, type QueuedTask } from "./events";
import { DomainError, withTaskSubjects, type TaskSubjects } from "@/server/platform/errors";
import { hasIdentifier, normalizeIdentifiers, type Identifiers } from "@/server/identifiers/identifiers";
import { findCustomer } from "@/server/identifiers/resolve";
import type { TenantScope } from "@/server/tenants/tenants";
import { applyFieldValues, fieldValue } from "@/server/pass-types/fields";
import { computeMetadata, fieldDefinitions } from "@/server/pass-types/pass-types";
import { z } from "zod";

/** Input of a PASS_UPDATE task (from `passes/pushUpdate`). */
export const passUpdateInput = z.object({
  /** Identifiers as sent (strings; empty ones removed). Normalized by the pass-update function. */
  identifiers: z.record(z.string(), z.string()),
  /** Target pass type key, or null to keep the pass's type. */
  passType: z.string().nullable(),
  /** Field values to set; a null value removes the field. Null when absent. */
  additionalData: z.record(z.string(), fieldValue).nullable(),
  updateMetadata: z.boolean(),
});
export type PassUpdateInput = z.infer<typeof passUpdateInput>;

/** Before/after of one changed value. */
export interface ValueChange {
  before: unknown;
  after: unknown;
}

/**
 * What a PassChange row stores (the pass timeline): one entry per changed data field, keyed by
 * the field key, plus `passType` and `metadata` when those changed.
 */
export type PassChanges = Record<string, ValueChange>;

export interface PassUpdateResult {
  changed: boolean;
  passId: string;
  /** Customer.id of the pass's holder. */
  customerRecordId: string;
  serialNumber: string;
  /** The pass's version tag after the update (decimal string). */
  versionTag: string;
  /** Keys of what changed (data fields, `passType`, `metadata`). */
  changedKeys: string[];
  /** The pass has a Google Wallet object to PATCH with the change (false when nothing changed). */
  googleObject: boolean;
  /** Before and after of each change (what the PassChange row stores; a dry run shows it). */
  changes: PassChanges;
}

/** What the pass rules read of a pass type. */
export type PassTypeFields = Pick<PassType, "id" | "key" | "style" | "template" | "images" | "fields">;

/** A live pass as locked for a change, with its pass type. */
export interface LockedPass {
  id: string;
  serialNumber: string;
  passTypeId: string;
  data: unknown;
  metadata: unknown;
  versionTag: bigint;
  passType: PassTypeFields;
}

/** A pass type row `pt` as the JSON object `PassTypeFields` (enum as text): one column list for every statement here. */
const PASS_TYPE_JSON = `jsonb_build_object('id', pt.id, 'key', pt.key, 'style', pt.style, 'template', pt.template, 'images', pt.images, 'fields', pt.fields)`;

/** Structural JSON equality (jsonb does not keep key order). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b as object, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Field-by-field differences between two data objects, by key in alphabetical order. */
export function diffData(before: Record<string, unknown>, after: Record<string, unknown>): PassChanges {
  const changes: PassChanges = {};
  for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    if (!jsonEqual(before[key], after[key])) changes[key] = { before: before[key] ?? null, after: after[key] ?? null };
  }
  return changes;
}

function describe(ids: Identifiers): string {
  const parts = [
    ids.email && `email ${ids.email}`,
    ids.phone && `phone ${ids.phone}`,
    ids.customerId && `customerId ${ids.customerId}`,
    ...Object.entries(ids.custom).map(([k, v]) => `${k} ${v}`),
  ].filter(Boolean);
  return parts.join(", ");
}

/** Applies the several-passes rule (module comment). @throws DomainError pass_not_found, ambiguous_pass */
export function choosePass<P extends { serialNumber: string; passType: { key: string } }>(passes: P[], passTypeKey: string | null, who: string): P {
  if (passes.length === 1) return passes[0]!;
  if (passes.length === 0) throw new DomainError("pass_not_found", `the customer (${who}) holds no live pass`, "identifiers");
  const ofType = passTypeKey ? passes.filter((p) => p.passType.key === passTypeKey) : [];
  if (ofType.length === 1) return ofType[0]!;
  throw new DomainError(
    "ambiguous_pass",
    `the customer (${who}) holds ${passes.length} passes (${passes.map((p) => `${p.serialNumber} ${p.passType.key}`).join(", ")}); ` +
      `send passType naming the type of one of them`,
    "passType",
  );
}

/**
 * Locks and loads the customer's live passes with their pass types, oldest first, in one
 * statement (concurrent updates of a pass queue here until the holder commits).
 */
export async function lockCustomerPasses(sql: Sql, customerRecordId: string): Promise<LockedPass[]> {
  const rows = await sql.query<Omit<LockedPass, "versionTag" | "passType"> & { versionTag: string; passType: PassTypeFields }>(
    `SELECT p.id, p."serialNumber", p."passTypeId", p.data, p.metadata, p."versionTag"::text AS "versionTag",
            ${PASS_TYPE_JSON} AS "passType"
       FROM "Pass" p JOIN "PassType" pt ON pt.id = p."passTypeId"
      WHERE p."customerRecordId" = $1 AND NOT p.voided
      ORDER BY p."createdAt", p.id
        FOR UPDATE OF p`,
    [customerRecordId],
  );
  return rows.map((r) => ({ ...r, versionTag: BigInt(r.versionTag) }));
}

/** The tenant's pass type `key`, or null. */
async function findPassType(sql: Sql, tenantId: string, key: string): Promise<PassTypeFields | null> {
  const [row] = await sql.query<{ passType: PassTypeFields }>(`SELECT ${PASS_TYPE_JSON} AS "passType" FROM "PassType" pt WHERE pt."tenantId" = $1 AND pt.key = $2`, [tenantId, key]);
  return row?.passType ?? null;
}

/**
 * Whether a change would show a lock-screen message on the devices: it gives a field with a
 * `changeMessage` a new, non-empty value (Wallet shows a changeMessage only for a field whose value
 * changed; a removed field shows nothing).
 */
export function alertingChange(changes: PassChanges, fields: readonly { key: string; changeMessage?: string }[]): boolean {
  return fields.some((f) => f.changeMessage && changes[f.key] !== undefined && changes[f.key]!.after !== null && changes[f.key]!.after !== "");
}

/**
 * Writes a pass's new state under the next version tag and its PassChange row, in one statement.
 * An `alerting` change goes through the tenant's notification budget
 * (`passflow_alert_muted_reason`, prisma/migrations/…_pass_type_publish): beyond it the version
 * is built without changeMessage (`Pass.alertsMuted`) and the PassChange says `muted` and why.
 * The caller holds the pass's row lock (so the budget counts every earlier change of the pass).
 * Also records the UPDATED pass event (`{ changedKeys, versionTag }`; with its Klaviyo tasks onto
 * `outbox` when the tenant sends to Klaviyo: server/passes/events.ts), one more INSERT in the
 * caller's transaction. Returns the new version tag and whether the pass has a Google Wallet object
 * (read after the pass's row lock, so an object written concurrently from the older version is
 * either seen here or resynced by its writer: server/wallet/google/objects.ts ensureGoogleObject).
 */
export async function writePassVersion(
  sql: Sql,
  pass: { id: string },
  next: { data: Record<string, unknown>; metadata: unknown; passTypeId: string },
  changes: PassChanges,
  taskId: string | null,
  alerting: boolean,
  outbox?: QueuedTask[],
): Promise<{ versionTag: bigint; googleObject: boolean }> {
  const [row] = await sql.query<{ versionTag: string; tenantId: string; googleObject: boolean }>(
    `WITH decision AS (SELECT CASE WHEN $8::boolean THEN passflow_alert_muted_reason($1::text) END AS reason),
     updated AS (
       UPDATE "Pass"
          SET data = $2::jsonb, metadata = $3::jsonb, "passTypeId" = $4::text, "alertsMuted" = (SELECT reason IS NOT NULL FROM decision),
              "versionTag" = nextval(pg_get_serial_sequence('"Pass"', 'versionTag')), "updatedAt" = (now() AT TIME ZONE 'UTC')
        WHERE id = $1::text
    RETURNING id, "versionTag", "tenantId", EXISTS (SELECT 1 FROM "GoogleWalletObject" g WHERE g."passId" = "Pass".id) AS "googleObject"),
     change AS (
       INSERT INTO "PassChange" (id, "passId", "taskId", "versionTag", changes, alerting, muted, "mutedReason", "createdAt")
       SELECT $5::text, updated.id, $6::text, updated."versionTag", $7::jsonb, $8::boolean, decision.reason IS NOT NULL, decision.reason, (now() AT TIME ZONE 'UTC')
         FROM updated, decision
    RETURNING "versionTag")
     SELECT change."versionTag"::text AS "versionTag", updated."tenantId", updated."googleObject" FROM change, updated`,
    [pass.id, JSON.stringify(next.data), JSON.stringify(next.metadata), next.passTypeId, randomUUID(), taskId, JSON.stringify(changes), alerting],
  );
  if (!row) throw new Error(`pass ${pass.id} vanished while locked`);
  await recordPassEvent(sql, {
    tenantId: row.tenantId,
    passId: pass.id,
    passTypeId: next.passTypeId,
    kind: "UPDATED",
    detail: { changedKeys: Object.keys(changes), versionTag: row.versionTag },
    dedupeKey: `updated:${pass.id}:${row.versionTag}`,
    causeTaskId: taskId,
    outbox,
  });
  return { versionTag: BigInt(row.versionTag), googleObject: row.googleObject };
}

/**
 * Applies a pushUpdate to the pass its identifiers name (module comment for the rules). A
 * DomainError thrown once the customer (and then the pass) is found carries them as its
 * `subjects`, so the failed task still names them. `opts.source` names the values in errors
 * (`additionalData.<key>` by default); outbound Klaviyo tasks of the change go onto `opts.outbox`,
 * for the caller to dispatch after its transaction commits.
 * @throws DomainError invalid_input (malformed phone), identifier_conflict, pass_not_found,
 *   ambiguous_pass, pass_type_not_found, invalid_field_value (the field named)
 */
export async function applyPassUpdate(
  sql: Sql,
  tenant: TenantScope,
  input: PassUpdateInput,
  taskId: string | null,
  opts: { source?: string; outbox?: QueuedTask[] } = {},
): Promise<PassUpdateResult> {
  const tenantId = tenant.id;
  const ids = normalizeIdentifiers(input.identifiers, tenant);
  if (!hasIdentifier(ids)) throw new DomainError("pass_not_found", "no identifier this tenant knows was given", "identifiers");
  const customer = await findCustomer(tenantId, ids, sql);
  if (!customer) throw new DomainError("pass_not_found", `no customer matches ${describe(ids)}`, "identifiers");
  const subjects: TaskSubjects = { customerRecordId: customer.id }; // the pass is added once chosen
  return withTaskSubjects(subjects, async () => {
    // an unknown passType is named as such, before it could make the choice of pass ambiguous
    const target = input.passType ? await findPassType(sql, tenantId, input.passType) : null;
    if (input.passType && !target) throw new DomainError("pass_type_not_found", `this tenant has no pass type ${JSON.stringify(input.passType)}`, "passType");
    const pass = choosePass(await lockCustomerPasses(sql, customer.id), input.passType, describe(ids));
    subjects.passId = pass.id;
    const passType = target && target.id !== pass.passTypeId ? target : pass.passType;
    const converted = passType.id !== pass.passTypeId;
    const before = (pass.data ?? {}) as Record<string, unknown>;
    const data = applyFieldValues(before, input.additionalData ?? {}, fieldDefinitions(passType), { passTypeKey: passType.key, source: opts.source, notProvidedValues: tenant.notProvidedValues });
    const metadata = input.updateMetadata || converted ? computeMetadata(passType, data) : pass.metadata;

    const changes = diffData(before, data);
    if (converted) changes.passType = { before: pass.passType.key, after: passType.key };
    if (!jsonEqual(pass.metadata, metadata)) changes.metadata = { before: pass.metadata, after: metadata };
    const changedKeys = Object.keys(changes);
    const result = { passId: pass.id, customerRecordId: customer.id, serialNumber: pass.serialNumber, changedKeys, changes };
    if (changedKeys.length === 0) return { ...result, changed: false, versionTag: pass.versionTag.toString(), googleObject: false };
    const alerting = alertingChange(changes, fieldDefinitions(passType));
    const written = await writePassVersion(sql, pass, { data, metadata, passTypeId: passType.id }, changes, taskId, alerting, opts.outbox);
    return { ...result, changed: true, versionTag: written.versionTag.toString(), googleObject: written.googleObject };
  });
}
