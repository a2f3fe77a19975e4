/**
 * Issuing and reading passes. A pass gets a random serialNumber (UUID) and a random
 * authenticationToken (32 characters; stored encrypted) that never change afterwards (Apple
 * "Wallet Passes" web service reference: the token authenticates every device call).
 */
import { randomUUID } from "node:crypto";
import type { Prisma } from "@prisma/client";
import { db } from "../db/client";
import { prismaSql } from "../db/sql";
import { recordPassEvent, type QueuedTask } from "./events";
import { dispatchTasks } from "@/inngest/dispatch";
import { DomainError } from "@/server/platform/errors";
import { decryptSecret, encryptSecret, randomToken } from "@/server/platform/crypto";
import { getTenant } from "../tenants/tenants";
import { hasIdentifier, isEmailAddress, normalizeIdentifiers, unknownIdentifierKeys } from "@/server/identifiers/identifiers";
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

/**
 * Issues a pass of `passType` to the customer the identifiers name (created if new). Idempotent:
 * a customer holds at most one live pass per pass type, and issuing again returns it.
 * @throws DomainError tenant_not_found, pass_type_not_found, invalid_input, identifier_conflict
 */
export async function issuePass(input: IssuePassInput): Promise<{ serialNumber: string; created: boolean }> {
  const tenant = await getTenant(input.tenant);
  const unknown = unknownIdentifierKeys(input.identifiers, tenant);
  if (unknown.length) {
    const custom = tenant.customIdentifierKeys.length ? tenant.customIdentifierKeys.join(", ") : "none";
    throw new DomainError("invalid_input", `unknown identifier ${unknown.join(", ")}; tenant ${tenant.slug}'s custom identifier keys: ${custom}`, "identifiers");
  }
  // the operator names the customer here: an identifier given empty, or an email that is not
  // one, is a mistake to report rather than a value to drop or store
  for (const [key, value] of Object.entries(input.identifiers)) {
    if (value !== undefined && value.trim() === "") throw new DomainError("invalid_input", `identifier ${key} is empty`, `identifiers.${key}`);
  }
  const ids = normalizeIdentifiers(input.identifiers, tenant);
  if (!hasIdentifier(ids)) throw new DomainError("invalid_input", "give at least one identifier (email, phone, customer id)", "identifiers");
  if (ids.email && !isEmailAddress(ids.email)) throw new DomainError("invalid_input", `not an email address: ${JSON.stringify(ids.email)}`, "identifiers.email");
  const outbox: QueuedTask[] = [];
  const issued = await db().$transaction(async (tx) => {
    const passType = await tx.passType.findUnique({ where: { tenantId_key: { tenantId: tenant.id, key: input.passType } } });
    if (!passType) throw new DomainError("pass_type_not_found", `tenant ${tenant.slug} has no pass type ${JSON.stringify(input.passType)}`, "passType");
    const customer = await findOrCreateCustomer(tenant.id, ids, tx);
    const existing = await tx.pass.findFirst({ where: { customerRecordId: customer.id, passTypeId: passType.id, voided: false } });
    if (existing) return { serialNumber: existing.serialNumber, created: false };
    const data = { points: 0, tier: "Member", ...input.data } as Prisma.InputJsonObject;
    const pass = await tx.pass.create({
      data: {
        tenantId: tenant.id,
        customerRecordId: customer.id,
        passTypeId: passType.id,
        serialNumber: randomUUID(),
        authenticationTokenEncrypted: encryptSecret(randomToken(24)),
        data,
        metadata: computeMetadata(passType, data) as unknown as Prisma.InputJsonObject,
      },
    });
    await recordPassEvent(prismaSql(tx), { tenantId: tenant.id, passId: pass.id, passTypeId: passType.id, kind: "ISSUED", dedupeKey: `issued:${pass.id}`, outbox });
    return { serialNumber: pass.serialNumber, created: true };
  });
  await dispatchTasks(outbox); // the Klaviyo tasks queued with ISSUED, if the tenant sends to Klaviyo
  return issued;
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
