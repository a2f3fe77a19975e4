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
import { randomUUID } from "node:crypto";
import { DomainError } from "@/server/platform/errors";
import { poolSql, type Sql } from "@/server/db/sql";
import type { Identifiers } from "./identifiers";

/** The customer a set of identifiers names: its record id and standard identifiers. */
export interface MatchedCustomer {
  id: string;
  email: string | null;
  phone: string | null;
  customerId: string | null;
}

/**
 * The customer the identifiers name, or null when none matches. One statement: a union of one
 * indexed lookup per identifier given, so it stays an index probe per identifier at any size.
 * @throws DomainError identifier_conflict when they name different customers (the message names
 *   them), or with `mustAgree` when one contradicts the matched customer's own value
 */
export async function findCustomer(tenantId: string, ids: Identifiers, sql: Sql = poolSql(), opts: { mustAgree?: boolean } = {}): Promise<MatchedCustomer | null> {
  const params: unknown[] = [tenantId];
  const param = (value: unknown) => `$${params.push(value)}`;
  const lookups: string[] = [];
  if (ids.email) lookups.push(`SELECT id FROM "Customer" WHERE "tenantId" = $1 AND email = ${param(ids.email)}`);
  if (ids.phone) lookups.push(`SELECT id FROM "Customer" WHERE "tenantId" = $1 AND phone = ${param(ids.phone)}`);
  if (ids.customerId) lookups.push(`SELECT id FROM "Customer" WHERE "tenantId" = $1 AND "customerId" = ${param(ids.customerId)}`);
  for (const [key, value] of Object.entries(ids.custom)) {
    lookups.push(`SELECT "customerRecordId" FROM "CustomerIdentifier" WHERE "tenantId" = $1 AND key = ${param(key)} AND value = ${param(value)}`);
  }
  if (lookups.length === 0) return null;
  const found = await sql.query<MatchedCustomer & { identifiers: { key: string; value: string }[] }>(
    `SELECT c.id, c.email, c.phone, c."customerId",
            COALESCE((SELECT jsonb_agg(jsonb_build_object('key', i.key, 'value', i.value)) FROM "CustomerIdentifier" i WHERE i."customerRecordId" = c.id), '[]'::jsonb) AS identifiers
       FROM "Customer" c
      WHERE c.id IN (${lookups.join(" UNION ")})
      ORDER BY c.id
      LIMIT 5`,
    params,
  );
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
 * given identifiers, on `sql` (the caller's transaction). A found customer also gets the given
 * identifiers it did not have yet (a phone, a customerId, a custom key): none of them can belong
 * to another customer, or the lookup would have matched two. `created` tells a new customer
 * (who holds no pass yet). @throws DomainError identifier_conflict
 */
export async function findOrCreateCustomer(tenantId: string, ids: Identifiers, sql: Sql): Promise<MatchedCustomer & { created: boolean }> {
  const existing = await findCustomer(tenantId, ids, sql, { mustAgree: true });
  if (existing) {
    const added = { email: existing.email ?? ids.email ?? null, phone: existing.phone ?? ids.phone ?? null, customerId: existing.customerId ?? ids.customerId ?? null };
    if (added.email !== existing.email || added.phone !== existing.phone || added.customerId !== existing.customerId) {
      await sql.query(`UPDATE "Customer" SET email = $2, phone = $3, "customerId" = $4, "updatedAt" = (now() AT TIME ZONE 'UTC') WHERE id = $1`, [
        existing.id,
        added.email,
        added.phone,
        added.customerId,
      ]);
    }
    await addCustomIdentifiers(sql, tenantId, existing.id, ids.custom);
    return { ...existing, ...added, created: false };
  }
  const customer = { id: randomUUID(), email: ids.email ?? null, phone: ids.phone ?? null, customerId: ids.customerId ?? null };
  await sql.query(
    `INSERT INTO "Customer" (id, "tenantId", email, phone, "customerId", "createdAt", "updatedAt") VALUES ($1, $2, $3, $4, $5, (now() AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC'))`,
    [customer.id, tenantId, customer.email, customer.phone, customer.customerId],
  );
  await addCustomIdentifiers(sql, tenantId, customer.id, ids.custom);
  return { ...customer, created: true };
}

async function addCustomIdentifiers(sql: Sql, tenantId: string, customerRecordId: string, custom: Record<string, string>): Promise<void> {
  for (const [key, value] of Object.entries(custom)) {
    await sql.query(
      `INSERT INTO "CustomerIdentifier" (id, "tenantId", "customerRecordId", key, value) VALUES ($1, $2, $3, $4, $5) ON CONFLICT ("tenantId", key, value) DO NOTHING`,
      [randomUUID(), tenantId, customerRecordId, key, value],
    );
  }
}
