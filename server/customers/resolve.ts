/**
 * Identifier resolution: which customer do these identifiers name?
 *
 * Rule: every identifier given must point at the same customer. Identifiers that match nobody
 * are ignored as long as another one matches (a Klaviyo profile may know a loyalty number the
 * merchant never sent); two identifiers that match two different customers are a conflict and
 * nothing is guessed.
 */
import type { Customer, Prisma } from "@prisma/client";
import { db } from "../db/client";
import { DomainError } from "../errors";
import type { Identifiers } from "./identifiers";

type Tx = Prisma.TransactionClient;

/**
 * The customer the identifiers name, or null when none matches.
 * @throws DomainError identifier_conflict when they name different customers (the message names them)
 */
export async function findCustomer(tenantId: string, ids: Identifiers, tx: Tx = db()): Promise<Customer | null> {
  const or: Prisma.CustomerWhereInput[] = [];
  if (ids.email) or.push({ email: ids.email });
  if (ids.phone) or.push({ phone: ids.phone });
  if (ids.customerId) or.push({ customerId: ids.customerId });
  for (const [key, value] of Object.entries(ids.custom)) or.push({ identifiers: { some: { key, value } } });
  if (or.length === 0) return null;
  const found = await tx.customer.findMany({ where: { tenantId, OR: or }, take: 5 });
  if (found.length > 1) {
    throw new DomainError(
      "identifier_conflict",
      `identifiers match ${found.length} different customers (${found.map((c) => c.id).join(", ")})`,
      "identifiers",
    );
  }
  return found[0] ?? null;
}

/** Finds the customer or creates one holding all the given identifiers. */
export async function findOrCreateCustomer(tenantId: string, ids: Identifiers, tx: Tx = db()): Promise<Customer> {
  const existing = await findCustomer(tenantId, ids, tx);
  if (existing) return existing;
  return tx.customer.create({
    data: {
      tenantId,
      email: ids.email,
      phone: ids.phone,
      customerId: ids.customerId,
      identifiers: { create: Object.entries(ids.custom).map(([key, value]) => ({ tenantId, key, value })) },
    },
  });
}
