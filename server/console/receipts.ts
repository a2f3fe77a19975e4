/** Webhook receipts as the console lists and inspects them. */
import { Prisma, WebhookEndpoint } from "@prisma/client";
import { z } from "zod";
import { db } from "../db/client";
import { DomainError } from "@/server/platform/errors";
import { redactHeaders } from "@/server/platform/http/headers";
import { createdBetween, pageArgs, pageFields, timeRangeFields, toPage } from "@/server/db/pagination";
import { findTenant } from "@/server/tenants/tenants";

/** Response status filter: an exact code (`429`) or a class (`2xx`, `4xx`, `5xx`). */
const responseStatus = z.string().regex(/^([1-5]xx|[1-5]\d\d)$/, "a status code such as 429 or a class such as 4xx");

export const receiptFilter = z.object({
  tenant: z.string().min(1).optional(),
  endpoint: z.enum(WebhookEndpoint).optional(),
  status: responseStatus.optional(),
  correlationId: z.string().min(1).optional(),
  ...timeRangeFields,
});
export type ReceiptFilter = z.infer<typeof receiptFilter>;
export const receiptListInput = receiptFilter.extend(pageFields);

function statusWhere(status: string | undefined) {
  if (!status) return undefined;
  if (status.endsWith("xx")) {
    const base = Number(status[0]) * 100;
    return { gte: base, lt: base + 100 };
  }
  return { equals: Number(status) };
}

/**
 * The Prisma where clause of a receipt filter. The tenant (slug or id) is resolved first, so the
 * clause is `tenantId = …` (as a relation filter PostgreSQL walked the createdAt index instead of
 * the tenant's: bench:volume); an unknown tenant matches no receipt.
 */
async function receiptWhere(f: ReceiptFilter): Promise<Prisma.WebhookReceiptWhereInput> {
  const tenant = f.tenant ? await findTenant(f.tenant) : undefined;
  return {
    ...(f.tenant ? { tenantId: tenant?.id ?? { in: [] } } : {}),
    endpoint: f.endpoint,
    responseStatus: statusWhere(f.status),
    correlationId: f.correlationId,
    createdAt: createdBetween(f),
  };
}

export const receiptRowSelect = {
  id: true,
  endpoint: true,
  correlationId: true,
  responseStatus: true,
  createdAt: true,
  tenant: { select: { slug: true, name: true } },
  tasks: { select: { id: true, status: true }, take: 3 },
} satisfies Prisma.WebhookReceiptSelect;

/** One page of receipts, newest first. */
export async function listReceipts(input: z.infer<typeof receiptListInput>) {
  const rows = await db().webhookReceipt.findMany({ where: await receiptWhere(input), select: receiptRowSelect, ...pageArgs(input) });
  return toPage(rows, input.limit);
}

/**
 * A receipt with its headers (redacted), raw body and the tasks it created. Past the tenant's
 * raw-body period `headers` and `rawBody` are null and `bodyRemoved` says when and after how
 * many days (the tenant's rawBodyRetentionDays). @throws DomainError not_found
 */
export async function getReceipt(id: string) {
  const receipt = await db().webhookReceipt.findUnique({
    where: { id },
    select: {
      id: true,
      endpoint: true,
      correlationId: true,
      idempotencyKey: true,
      headers: true,
      rawBody: true,
      responseStatus: true,
      createdAt: true,
      bodyPurgedAt: true,
      tenant: { select: { slug: true, name: true, rawBodyRetentionDays: true } },
      tasks: { select: { id: true, kind: true, status: true, errorCode: true, lastError: true, createdAt: true, finishedAt: true }, orderBy: { createdAt: "asc" } },
    },
  });
  if (!receipt) throw new DomainError("not_found", `no webhook receipt ${JSON.stringify(id)}`, "id");
  const { bodyPurgedAt, ...rest } = receipt;
  return {
    ...rest,
    headers: receipt.headers === null ? null : redactHeaders(receipt.headers),
    bodyRemoved: bodyPurgedAt ? { at: bodyPurgedAt, afterDays: receipt.tenant.rawBodyRetentionDays } : null,
  };
}
