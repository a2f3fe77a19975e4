/**
 * The listeners' hot path in plain SQL over the shared pool (server/db/client.ts `pgPool()`):
 * one query per lookup and one statement that writes a flow webhook's receipt and task together
 * (a data-modifying CTE is a single atomic statement, so no interactive transaction is needed).
 * Column names follow prisma/schema.prisma; the listener integration tests cover every query.
 * Statements are unnamed: the embedded PGlite serves every connection from one session, where
 * named prepared statements of two connections would collide.
 */
import { randomUUID } from "node:crypto";
import type { ApiKey, SyncTaskKind, Tenant, WebhookEndpoint } from "@prisma/client";
import { pgPool } from "../db/client";

/** The tenant whose slug or id is `ref`, or undefined. */
export async function findTenantByRef(ref: string): Promise<Tenant | undefined> {
  const { rows } = await pgPool().query<Tenant>({
    text: `SELECT * FROM "Tenant" WHERE slug = $1 OR id = $1 LIMIT 1`,
    values: [ref],
  });
  return rows[0];
}

export type ApiKeyCredential = Pick<ApiKey, "id" | "tenantId" | "hash" | "scopes" | "revokedAt" | "lastUsedAt">;

/** The API key with public prefix `prefix`, or undefined. */
export async function findApiKeyByPrefix(prefix: string): Promise<ApiKeyCredential | undefined> {
  const { rows } = await pgPool().query<ApiKeyCredential>({
    text: `SELECT id, "tenantId", hash, scopes, "revokedAt", "lastUsedAt" FROM "ApiKey" WHERE prefix = $1`,
    values: [prefix],
  });
  return rows[0];
}

export interface FlowReceiptRow {
  tenantId: string;
  endpoint: WebhookEndpoint;
  correlationId: string;
  idempotencyKey?: string;
  headers: Record<string, string>;
  rawBody: string;
  status: number;
}

/**
 * Writes a receipt and its one QUEUED task in a single statement. Resolves with the task id.
 * Rejects with PostgreSQL error 23505 when the receipt's idempotency key is taken.
 */
export async function insertFlowReceipt(receipt: FlowReceiptRow, task: { kind: SyncTaskKind; input: unknown }): Promise<string> {
  const receiptId = randomUUID();
  const taskId = randomUUID();
  await pgPool().query({
    text: `WITH receipt AS (
        INSERT INTO "WebhookReceipt" (id, "tenantId", endpoint, "correlationId", "idempotencyKey", headers, "rawBody", "responseStatus")
        VALUES ($1, $2, $3::"WebhookEndpoint", $4, $5, $6::jsonb, $7, $8)
        RETURNING id
      )
      INSERT INTO "SyncTask" (id, "tenantId", "receiptId", kind, "correlationId", input, "updatedAt")
      SELECT $9, $2, receipt.id, $10::"SyncTaskKind", $4, $11::jsonb, now() FROM receipt`,
    values: [
      receiptId,
      receipt.tenantId,
      receipt.endpoint,
      receipt.correlationId,
      receipt.idempotencyKey ?? null,
      JSON.stringify(receipt.headers),
      receipt.rawBody,
      receipt.status,
      taskId,
      task.kind,
      JSON.stringify(task.input),
    ],
  });
  return taskId;
}
