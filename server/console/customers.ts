/** A customer in the console: identifiers, consent, properties, passes and profile sync history. */
import type { Prisma } from "@prisma/client";
import { db } from "../db/client";
import { DomainError } from "@/server/platform/errors";
import { readConsent } from "@/server/customers/consent";

const HISTORY_LIMIT = 50;

/**
 * A customer with their consent per channel (server/customers/consent.ts), their passes and the
 * sync tasks that touched them: tasks recorded with them as the customer (failed ones too),
 * profile syncs naming one of their identifiers, and tasks of their passes.
 * @throws DomainError not_found
 */
export async function getCustomerDetail(id: string) {
  const customer = await db().customer.findUnique({
    where: { id },
    select: {
      id: true,
      email: true,
      phone: true,
      customerId: true,
      klaviyoProfileId: true,
      properties: true,
      consent: true,
      erasedAt: true,
      createdAt: true,
      updatedAt: true,
      tenantId: true,
      tenant: { select: { slug: true, name: true } },
      identifiers: { select: { key: true, value: true }, orderBy: { key: "asc" } },
      passes: {
        select: { id: true, serialNumber: true, data: true, voided: true, updatedAt: true, passType: { select: { key: true, name: true } } },
        orderBy: { createdAt: "asc" },
      },
    },
  });
  if (!customer) throw new DomainError("not_found", `no customer ${JSON.stringify(id)}`, "id");
  const { tenantId, ...rest } = customer;
  const input = (path: string, value: string | null): Prisma.SyncTaskWhereInput[] => (value ? [{ input: { path: [path], equals: value } }] : []);
  const mentions: Prisma.SyncTaskWhereInput[] = [
    ...input("email", customer.email),
    ...input("phone", customer.phone),
    ...input("externalId", customer.customerId),
    ...input("klaviyoProfileId", customer.klaviyoProfileId),
  ];
  const history = await db().syncTask.findMany({
    where: {
      tenantId,
      OR: [{ customerRecordId: customer.id }, { kind: "PROFILE_SYNC", OR: mentions }, { passId: { in: customer.passes.map((p) => p.id) } }],
    },
    select: { id: true, kind: true, status: true, errorCode: true, lastError: true, correlationId: true, receiptId: true, createdAt: true, finishedAt: true },
    orderBy: { createdAt: "desc" },
    take: HISTORY_LIMIT,
  });
  return { ...rest, consent: readConsent(customer.consent), history };
}
