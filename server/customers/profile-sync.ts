/**
 * Applying a Klaviyo profile change (profiles/sync: a flow body or one system-webhook event) to
 * the customer it names and to the passes that show the changed values. Runs inside the caller's
 * transaction; a bad value fails the whole change.
 *
 * - The customer is found by Klaviyo profile id, then the merchant's customerId (Klaviyo
 *   `external_id`), then email, then phone (first match wins), so a profile whose email changed is
 *   still found by its external_id. No match → skipped (`customer_not_found`): Passflow only
 *   follows customers it issued passes to. An external_id that belongs to another customer than
 *   the one found is `identifier_conflict`.
 * - email / phone: set when given and different (the new value must not belong to another
 *   customer: `identifier_conflict`). The Klaviyo profile id is linked when first seen; the
 *   merchant's customerId (Klaviyo `external_id`) is only filled in when the customer has none
 *   (the merchant's own id is never overwritten from Klaviyo).
 * - A system-webhook event's profile attributes are a snapshot from when the event happened: they
 *   identify the customer but never change its email or phone (a flow may have changed them
 *   since), and its consent is applied only when it is newer than the consent stored.
 * - consent per channel (email, sms) is stored as Klaviyo models it (server/customers/consent.ts:
 *   status, suppressions with their timestamps, whether the profile can receive marketing now,
 *   when); a change older than the channel's stored one is not applied.
 * - properties are merged into Customer.properties (null removes one). A value not provided
 *   (blank, or one of the tenant's `notProvidedValues`: `isNotProvided`) changes nothing, on the
 *   customer (its email, phone and external_id too) and on its passes alike.
 * - Passes: a field keyed `email` or `phone` shows the new value; a field keyed like a property
 *   shows the property, typed by its field definition. Each changed pass gets a new version tag
 *   and a PassChange row like any pushUpdate.
 */
import { Prisma, type Customer } from "@prisma/client";
import { DomainError, withTaskSubjects, type TaskSubjects } from "@/server/platform/errors";
import { prismaSql } from "../db/sql";
import type { TenantScope } from "@/server/tenants/tenants";
import { applyFieldValues, fieldValue, isNotProvided, type RawFieldValue } from "@/server/pass-types/fields";
import { fieldDefinitions } from "@/server/pass-types/pass-types";
import type { QueuedTask } from "../passes/events";
import { alertingChange, diffData, jsonEqual, lockCustomerPasses, writePassVersion, type PassChanges } from "../passes/update";
import { normalizeEmail, normalizePhone } from "@/server/identifiers/identifiers";
import { z } from "zod";
import { applyConsentChange, channelConsentChange, CONSENT_CHANNELS, readConsent, suppressionReasons } from "./consent";

/** Input of a PROFILE_SYNC task (from `profiles/sync`: a flow body or one system-webhook event). */
export const profileSyncInput = z.object({
  source: z.enum(["flow", "system_webhook"]),
  klaviyoProfileId: z.string().nullable(),
  email: z.string().nullable(),
  /** As sent (any format); normalized with the tenant's default region by profile-sync. */
  phone: z.string().nullable(),
  /** Klaviyo profile `external_id`: the merchant's customerId. */
  externalId: z.string().nullable(),
  properties: z.record(z.string(), fieldValue).nullable(),
  /** Per channel, a consent change (server/customers/consent.ts): a profile snapshot or an event. */
  consent: z.object({ email: channelConsentChange.optional(), sms: channelConsentChange.optional() }).nullable(),
  /** System webhook: topic, event id and when Klaviyo recorded it. */
  topic: z.string().nullable(),
  eventId: z.string().nullable(),
  occurredAt: z.string().nullable(),
  /** `merchant` when the change came from the merchant's own system: never synced back to it. */
  origin: z.string().nullable(),
});
export type ProfileSyncInput = z.infer<typeof profileSyncInput>;

type Tx = Prisma.TransactionClient;

/** Quoted columns of the lookup identifiers (a fixed set, never user input). */
const COLUMN = {
  klaviyoProfileId: Prisma.raw('"klaviyoProfileId"'),
  customerId: Prisma.raw('"customerId"'),
  email: Prisma.raw('"email"'),
  phone: Prisma.raw('"phone"'),
} as const;

export interface ChangedPass {
  passId: string;
  serialNumber: string;
  versionTag: string;
  /** The pass has a Google Wallet object to PATCH with the change. */
  googleObject: boolean;
}

export interface ProfileSyncResult {
  skipped?: "customer_not_found";
  /** Customer.id of the customer changed. */
  customerRecordId?: string;
  matchedBy?: "klaviyoProfileId" | "customerId" | "email" | "phone";
  /** Customer values that changed: email, phone, klaviyoProfileId, customerId, consent.<channel>, properties.<key>. */
  customerChanges: PassChanges;
  passes: ChangedPass[];
  /** When the change was committed (ISO 8601): the sync-back's occurredAt when the event has no time of its own. */
  appliedAt?: string;
}

async function findProfileCustomer(
  tx: Tx,
  tenantId: string,
  keys: { klaviyoProfileId: string | null; customerId?: string; email?: string; phone?: string },
): Promise<{ customer: Customer; matchedBy: NonNullable<ProfileSyncResult["matchedBy"]> } | null> {
  const order = [
    ["klaviyoProfileId", keys.klaviyoProfileId ?? undefined],
    ["customerId", keys.customerId],
    ["email", keys.email],
    ["phone", keys.phone],
  ] as const;
  for (const [field, value] of order) {
    if (!value) continue;
    const found = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "Customer" WHERE "tenantId" = ${tenantId} AND ${COLUMN[field]} = ${value} FOR UPDATE`;
    if (found[0]) return { customer: await tx.customer.findUniqueOrThrow({ where: { id: found[0].id } }), matchedBy: field };
  }
  return null;
}

async function assertFree(tx: Tx, tenantId: string, customerId: string, field: "email" | "phone", value: string) {
  const other = await tx.customer.findFirst({ where: { tenantId, [field]: value, id: { not: customerId } }, select: { id: true } });
  if (other) throw new DomainError("identifier_conflict", `${field} ${value} already belongs to another customer (${other.id})`, field);
}

/**
 * True when an event that happened at `occurredAt` is older than a value stored at `storedAt`
 * (both ISO 8601), so it must not overwrite it. An event without a time (a flow's request, sent
 * as it happens) or a value without a readable time is never older.
 */
function olderThanStored(occurredAt: string | null | undefined, storedAt: string | null | undefined): boolean {
  if (!occurredAt || !storedAt) return false;
  const event = Date.parse(occurredAt);
  const stored = Date.parse(storedAt);
  return !Number.isNaN(event) && !Number.isNaN(stored) && event < stored;
}

/**
 * Applies the profile change (module comment for the rules). A DomainError thrown once the
 * customer is found carries it (and the pass being changed) as its `subjects`, so the failed task
 * still names them. The Klaviyo tasks of changed passes ("Pass Updated") go onto `outbox`.
 * @throws DomainError invalid_input (malformed phone), identifier_conflict, invalid_field_value
 */
export async function applyProfileSync(
  tx: Tx,
  tenant: Pick<TenantScope, "id" | "defaultPhoneRegion" | "notProvidedValues">,
  input: ProfileSyncInput,
  taskId: string | null,
  outbox?: QueuedTask[],
): Promise<ProfileSyncResult> {
  const tenantId = tenant.id;
  const notProvided = tenant.notProvidedValues;
  const provided = (v: string | null) => (isNotProvided(v, notProvided) ? null : v);
  const email = normalizeEmail(provided(input.email));
  const phone = normalizePhone(provided(input.phone), tenant.defaultPhoneRegion, "phone");
  const externalId = provided(input.externalId)?.trim() || undefined;
  const klaviyoProfileId = provided(input.klaviyoProfileId);
  const found = await findProfileCustomer(tx, tenantId, { klaviyoProfileId, customerId: externalId, email, phone });
  if (!found) return { skipped: "customer_not_found", customerChanges: {}, passes: [] };
  const subjects: TaskSubjects = { customerRecordId: found.customer.id }; // and the pass being changed
  return withTaskSubjects(subjects, () => applyToCustomer(tx, { tenantId, input, keys: { email, phone, externalId, klaviyoProfileId }, found, taskId, subjects, notProvided, outbox }));
}

/** applyProfileSync once the customer is found; `subjects.passId` follows the pass being changed. */
async function applyToCustomer(
  tx: Tx,
  args: {
    tenantId: string;
    input: ProfileSyncInput;
    keys: { email?: string; phone?: string; externalId?: string; klaviyoProfileId: string | null };
    found: NonNullable<Awaited<ReturnType<typeof findProfileCustomer>>>;
    taskId: string | null;
    subjects: TaskSubjects;
    /** The tenant's values that mean "not provided". */
    notProvided: readonly string[];
    outbox?: QueuedTask[];
  },
): Promise<ProfileSyncResult> {
  const { tenantId, input, keys: { email, phone, externalId, klaviyoProfileId }, found: { customer, matchedBy }, taskId, subjects, notProvided, outbox } = args;
  const externalOwner = externalId && externalId !== customer.customerId
    ? await tx.customer.findFirst({ where: { tenantId, customerId: externalId }, select: { id: true } })
    : null;
  if (externalOwner) {
    throw new DomainError("identifier_conflict", `external_id ${externalId} belongs to another customer (${externalOwner.id}) than the one matched by ${matchedBy}`, "externalId");
  }

  const changes: PassChanges = {};
  const update: Prisma.CustomerUpdateInput = {};
  const setsIdentifiers = input.source === "flow";
  if (setsIdentifiers && email && email !== customer.email) {
    await assertFree(tx, tenantId, customer.id, "email", email);
    changes.email = { before: customer.email, after: email };
    update.email = email;
  }
  if (setsIdentifiers && phone && phone !== customer.phone) {
    await assertFree(tx, tenantId, customer.id, "phone", phone);
    changes.phone = { before: customer.phone, after: phone };
    update.phone = phone;
  }
  if (klaviyoProfileId && klaviyoProfileId !== customer.klaviyoProfileId) {
    changes.klaviyoProfileId = { before: customer.klaviyoProfileId, after: klaviyoProfileId };
    update.klaviyoProfileId = klaviyoProfileId;
  }
  if (externalId && !customer.customerId) {
    changes.customerId = { before: null, after: externalId };
    update.customerId = externalId;
  }
  const consent = readConsent(customer.consent);
  const recordedAt = input.occurredAt ?? new Date().toISOString(); // when Klaviyo recorded the change
  for (const channel of CONSENT_CHANNELS) {
    const change = input.consent?.[channel];
    const stored = consent[channel];
    if (!change || olderThanStored(input.occurredAt, stored?.updatedAt)) continue;
    const next = applyConsentChange(channel, stored, change, recordedAt);
    if (!next || next === stored) continue;
    if (next.status !== (stored?.status ?? null)) changes[`consent.${channel}`] = { before: stored?.status ?? null, after: next.status };
    const [reasonsBefore, reasonsAfter] = [suppressionReasons(stored?.suppressions ?? []), suppressionReasons(next.suppressions)];
    if (!jsonEqual(reasonsBefore, reasonsAfter)) changes[`consent.${channel}.suppressions`] = { before: reasonsBefore, after: reasonsAfter };
    if (stored?.canReceiveMarketing !== next.canReceiveMarketing) {
      changes[`consent.${channel}.canReceiveMarketing`] = { before: stored?.canReceiveMarketing ?? null, after: next.canReceiveMarketing };
    }
    consent[channel] = next;
    update.consent = consent as Prisma.InputJsonObject;
  }
  const before = customer.properties as Record<string, unknown>;
  const properties = { ...before };
  for (const [key, value] of Object.entries(input.properties ?? {})) {
    if (value === null) delete properties[key];
    // not provided (Klaviyo renders a missing property as "", a template's default filter "-"), as on the passes
    else if (isNotProvided(value, notProvided)) continue;
    else properties[key] = value;
  }
  for (const [key, change] of Object.entries(diffData(before, properties))) changes[`properties.${key}`] = change;
  if (!jsonEqual(before, properties)) update.properties = properties as Prisma.InputJsonObject;
  if (Object.keys(update).length) await tx.customer.update({ where: { id: customer.id }, data: update });

  // the passes' view of the profile: email, phone and every given property
  const shown: Record<string, RawFieldValue> = { ...(input.properties ?? {}) };
  if (update.email) shown.email = email!;
  if (update.phone) shown.phone = phone!;
  const passes: ChangedPass[] = [];
  for (const pass of await lockCustomerPasses(prismaSql(tx), customer.id)) {
    subjects.passId = pass.id;
    const fields = fieldDefinitions(pass.passType);
    const data = pass.data as Record<string, unknown>;
    const next = applyFieldValues(data, shown, fields, { passTypeKey: pass.passType.key, source: "properties", ignoreUnknown: true, notProvidedValues: notProvided });
    const passChanges = diffData(data, next);
    if (Object.keys(passChanges).length === 0) continue;
    const written = await writePassVersion(prismaSql(tx), pass, { data: next, metadata: pass.metadata, passTypeId: pass.passTypeId }, passChanges, taskId, alertingChange(passChanges, fields), outbox);
    passes.push({ passId: pass.id, serialNumber: pass.serialNumber, versionTag: written.versionTag.toString(), googleObject: written.googleObject });
  }
  return { customerRecordId: customer.id, matchedBy, customerChanges: changes, passes, appliedAt: new Date().toISOString() };
}
