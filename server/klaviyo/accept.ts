/**
 * Acceptance: one database transaction writes the WebhookReceipt and its SyncTask(s) (QUEUED)
 * before any 2xx is answered, so nothing acknowledged is ever lost. Repeated deliveries create
 * nothing and answer as the first delivery did, with its correlation id:
 * - flow webhooks: same `Idempotency-Key` header, or else the same top-level `event_id` of the
 *   body (a flow's webhook carries no header unless its author adds one; Klaviyo's retry of a
 *   send repeats the rendered body, event_id included), on the same endpoint within 24 h. Both
 *   are one key: bodies alone are never compared (a later identical body can be a legitimate
 *   change back, e.g. Gold → Silver → Gold); the same key with a different body is refused
 *   (IdempotencyKeyReused, 422, naming `Idempotency-Key` or `event_id`);
 * - system webhooks: same `Klaviyo-Webhook-Id` + event `external_id` (the task's dedupeKey).
 */
import { Prisma, type SyncTaskKind, type WebhookEndpoint } from "@prisma/client";
import { db } from "../db/client";
import { DomainError } from "@/server/platform/errors";
import { insertFlowReceipt } from "./store";
import type { PassUpdateInput } from "@/server/passes/update";
import type { ProfileSyncInput } from "@/server/customers/profile-sync";
import type { IssueOrUpdateInput } from "@/server/passes/passes";

/** The input of a flow webhook's task (pushUpdate, profiles/sync, passes/issue). */
export type FlowTaskInput = PassUpdateInput | ProfileSyncInput | IssueOrUpdateInput;

/** A batch of up to 1,000 events is one transaction: give it more than Prisma's 5 s default. */
const BATCH_TRANSACTION = { maxWait: 10_000, timeout: 30_000 };

/** How long an Idempotency-Key (or event_id) is remembered. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Longest Idempotency-Key or event_id kept (the OpenAPI document says so too). */
export const IDEMPOTENCY_KEY_MAX = 200;

export interface AcceptedTask {
  id: string;
  tenantId: string;
  kind: SyncTaskKind;
  correlationId: string;
}

export interface Acceptance {
  correlationId: string;
  status: number;
  /** True when this delivery repeated an earlier one (nothing was written). */
  duplicate: boolean;
  /** Tasks written now (to dispatch after answering). */
  tasks: AcceptedTask[];
}

interface ReceiptFields {
  tenantId: string;
  endpoint: WebhookEndpoint;
  correlationId: string;
  headers: Record<string, string>;
  rawBody: string;
  status: number;
}

const TASK_SELECT = { id: true, tenantId: true, kind: true, correlationId: true } as const;

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === "23505";
}

/** Where a flow webhook's idempotency key came from: the header, or the body's `event_id`. */
export type IdempotencyKeySource = "Idempotency-Key" | "event_id";

/** An Idempotency-Key (or event_id) used again, within its window, with a different body (HTTP 422 naming it). */
export class IdempotencyKeyReused extends DomainError {
  override name = "IdempotencyKeyReused";
  constructor(message: string, field: IdempotencyKeySource = "Idempotency-Key") {
    super("idempotency_key_reused", message, field);
  }
}

/**
 * The answer of the earlier delivery with this key on this endpoint, if any within the window.
 * @throws IdempotencyKeyReused when that delivery's body differs from `rawBody`
 */
async function earlierDelivery(receipt: {
  tenantId: string;
  endpoint: WebhookEndpoint;
  idempotencyKey: string;
  keySource: IdempotencyKeySource;
  rawBody: string;
}): Promise<Acceptance | undefined> {
  const { tenantId, endpoint, idempotencyKey } = receipt;
  const first = await db().webhookReceipt.findUnique({
    where: { tenantId_endpoint_idempotencyKey: { tenantId, endpoint, idempotencyKey } },
    select: { id: true, correlationId: true, responseStatus: true, createdAt: true, rawBody: true },
  });
  if (!first) return undefined;
  if (Date.now() - first.createdAt.getTime() > IDEMPOTENCY_WINDOW_MS) {
    // outside the window the key is free again: detach it from the old receipt
    await db().webhookReceipt.update({ where: { id: first.id }, data: { idempotencyKey: null } });
    return undefined;
  }
  if (first.rawBody !== receipt.rawBody) {
    throw new IdempotencyKeyReused(`this ${receipt.keySource} was used within 24 h for a different body (first delivery ${first.correlationId})`, receipt.keySource);
  }
  return { correlationId: first.correlationId, status: first.responseStatus, duplicate: true, tasks: [] };
}

/** What a listener parser (push-update.ts, flow-profile-sync.ts, pass-issue.ts, system-webhook.ts) makes of a valid body. */
export type Submission =
  | {
      kind: "flow";
      endpoint: WebhookEndpoint;
      status: number;
      task: { kind: SyncTaskKind; input: FlowTaskInput };
      /** The body's `event_id`: the idempotency key when the request has no Idempotency-Key header. */
      eventId?: string;
    }
  | { kind: "system"; endpoint: WebhookEndpoint; status: number; webhookId: string; events: { externalId: string; input: ProfileSyncInput }[] };

/** The receipt fields every submission shares (the request's, not the body's). */
export type ReceiptBase = Omit<ReceiptFields, "endpoint" | "status"> & { idempotencyKey?: string };

/** Stores a parsed submission with its receipt (the flow or system-webhook rules above). */
export function acceptSubmission(submission: Submission, receipt: ReceiptBase): Promise<Acceptance> {
  const fields = { ...receipt, endpoint: submission.endpoint, status: submission.status };
  if (submission.kind === "flow") {
    if (receipt.idempotencyKey || !submission.eventId) return acceptFlowWebhook(fields, submission.task);
    return acceptFlowWebhook({ ...fields, idempotencyKey: submission.eventId, keySource: "event_id" }, submission.task);
  }
  return acceptSystemWebhook({ ...fields, webhookId: submission.webhookId }, submission.events);
}

/** Accepts one flow webhook: a receipt and one task, atomically (its key, if any, from `keySource`: the header by default). */
export async function acceptFlowWebhook(
  receipt: ReceiptFields & { idempotencyKey?: string; keySource?: IdempotencyKeySource },
  task: { kind: SyncTaskKind; input: FlowTaskInput },
): Promise<Acceptance> {
  const keyed = receipt.idempotencyKey ? { ...receipt, idempotencyKey: receipt.idempotencyKey, keySource: receipt.keySource ?? "Idempotency-Key" } : undefined;
  if (keyed) {
    const earlier = await earlierDelivery(keyed);
    if (earlier) return earlier;
  }
  try {
    const taskId = await insertFlowReceipt(receipt, task);
    return {
      correlationId: receipt.correlationId,
      status: receipt.status,
      duplicate: false,
      tasks: [{ id: taskId, tenantId: receipt.tenantId, kind: task.kind, correlationId: receipt.correlationId }],
    };
  } catch (err) {
    if (keyed && isUniqueViolation(err)) {
      const earlier = await earlierDelivery(keyed);
      if (earlier) return earlier; // a concurrent delivery with the same key won
    }
    throw err;
  }
}

/**
 * Accepts a system-webhook batch: one PROFILE_SYNC task per event not seen before (dedupeKey
 * `<webhookId>:<external_id>`), with the receipt, in one transaction. A batch with no new event
 * writes nothing and answers with the correlation id of the first delivery.
 */
export async function acceptSystemWebhook(
  receipt: ReceiptFields & { webhookId: string },
  events: { externalId: string; input: ProfileSyncInput }[],
): Promise<Acceptance> {
  const byKey = new Map(events.map((e) => [`${receipt.webhookId}:${e.externalId}`, e.input]));
  try {
    return await writeSystemWebhook(receipt, byKey);
  } catch (err) {
    if (!(err instanceof ConcurrentDelivery)) throw err;
    return writeSystemWebhook(receipt, byKey); // now answers as the delivery that won
  }
}

/** A concurrent delivery of the same events committed first; this transaction rolled back. */
class ConcurrentDelivery extends Error {}

async function writeSystemWebhook(receipt: ReceiptFields & { webhookId: string }, pending: Map<string, ProfileSyncInput>): Promise<Acceptance> {
  const byKey = new Map(pending);
  return db().$transaction(async (tx) => {
    const seen = await tx.syncTask.findMany({
      where: { tenantId: receipt.tenantId, dedupeKey: { in: [...byKey.keys()] } },
      select: { dedupeKey: true, correlationId: true, createdAt: true },
      orderBy: { createdAt: "asc" },
    });
    for (const s of seen) byKey.delete(s.dedupeKey!);
    if (byKey.size === 0) return { correlationId: seen[0]!.correlationId, status: receipt.status, duplicate: true, tasks: [] };
    const created = await tx.webhookReceipt.create({
      data: {
        tenantId: receipt.tenantId,
        endpoint: receipt.endpoint,
        correlationId: receipt.correlationId,
        headers: receipt.headers,
        rawBody: receipt.rawBody,
        responseStatus: receipt.status,
      },
      select: { id: true },
    });
    const tasks = await tx.syncTask.createManyAndReturn({
      data: [...byKey].map(([dedupeKey, input]) => ({
        tenantId: receipt.tenantId,
        receiptId: created.id,
        kind: "PROFILE_SYNC" as const,
        correlationId: receipt.correlationId,
        dedupeKey,
        input: input as unknown as Prisma.InputJsonObject,
      })),
      skipDuplicates: true,
      select: TASK_SELECT,
    });
    if (tasks.length === 0) throw new ConcurrentDelivery();
    return { correlationId: receipt.correlationId, status: receipt.status, duplicate: false, tasks };
  }, BATCH_TRANSACTION);
}
