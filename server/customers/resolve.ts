/**
 * Identifier resolution: which customer do these identifiers name?
 *
 * Rule: every identifier given must point at the same customer; two identifiers that match two
 * different customers are a conflict and nothing is guessed. For updates (Klaviyo pushUpdate), an
 * identifier that matches nobody is ignored as long as another one matches: Klaviyo may know a
 * newer phone or a loyalty number the merchant never sent. When issuing a pass (`mustAgree`), the
 * caller states who the customer is, so a given identifier that contradicts a value the matched
 * customer holds (another email, phone, customerId or loyalty number) is a conflict too: otherwise
 * a new customer's pass request could hand out an existing customer's pass.
 */
import type { Customer, Prisma } from "@prisma/client";
import { db } from "../db/client";
import { DomainError } from "../errors";
import type { Identifiers } from "./identifiers";

type Tx = Prisma.TransactionClient;

/**
 * The customer the identifiers name, or null when none matches.
 * @throws DomainError identifier_conflict when they name different customers (the message names
 *   them), or with `mustAgree` when one contradicts the matched customer's own value
 */
export async function findCustomer(tenantId: string, ids: Identifiers, tx: Tx = db(), opts: { mustAgree?: boolean } = {}): Promise<Customer | null> {
  const or: Prisma.CustomerWhereInput[] = [];
  if (ids.email) or.push({ email: ids.email });
  if (ids.phone) or.push({ phone: ids.phone });
  if (ids.customerId) or.push({ customerId: ids.customerId });
  for (const [key, value] of Object.entries(ids.custom)) or.push({ identifiers: { some: { key, value } } });
  if (or.length === 0) return null;
  const found = await tx.customer.findMany({ where: { tenantId, OR: or }, take: 5, include: { identifiers: { select: { key: true, value: true } } } });
  if (found.length > 1) {
    throw new DomainError(
      "identifier_conflict",
      `identifiers match ${found.length} different customers (${found.map((c) => c.id).join(", ")})`,
      "identifiers",
    );
  }
  const [match] = found;
  if (!match) return null;
  const { identifiers: held, ...customer } = match;
  if (!opts.mustAgree) return customer;
  const differs = (field: string, given: string | undefined, own: string | null) => {
    if (given !== undefined && own !== null && given !== own) {
      throw new DomainError("identifier_conflict", `identifiers.${field} ${given} does not match customer ${customer.id}, whose ${field} is ${own}`, `identifiers.${field}`);
    }
  };
  differs("email", ids.email, customer.email);
  differs("phone", ids.phone, customer.phone);
  differs("customerId", ids.customerId, customer.customerId);
  for (const [key, value] of Object.entries(ids.custom)) {
    const own = held.filter((h) => h.key === key).map((h) => h.value);
    if (own.length && !own.includes(value)) differs(key, value, own[0]!);
  }
  return customer;
}

/**
 * Finds the customer (every given identifier must agree with it) or creates one holding all the
 * given identifiers. @throws DomainError identifier_conflict
 */
export async function findOrCreateCustomer(tenantId: string, ids: Identifiers, tx: Tx = db()): Promise<Customer> {
  const existing = await findCustomer(tenantId, ids, tx, { mustAgree: true });
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
