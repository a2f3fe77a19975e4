/**
 * Pass events: the steps of a pass's life (issued, its Add to Wallet page opened, downloaded,
 * installed in a wallet, removed, updated), one row each in `PassEvent`. They feed the install
 * funnel and the events Passflow sends to Klaviyo. A row holds ids and field keys only, never
 * personal data, so it survives in the funnel's counts without carrying the customer.
 *
 * Outbound to Klaviyo (server/klaviyo/outbound.ts): when the tenant has a Klaviyo private API key
 * (and its Klaviyo integration is on), recording an ISSUED, INSTALLED, REMOVED or UPDATED event
 * also queues, in the same statement, a KLAVIYO_EVENT sync task (the event of its metric) and,
 * except for UPDATED, a KLAVIYO_PROFILE task (the pass's profile properties). Their dedupe keys
 * name the event, so a recording retried inside a retried transaction queues nothing twice.
 */
import type { PassEventKind, SyncTask, WalletPlatform } from "@prisma/client";
import type { Sql } from "../db/sql";

export type { PassEventKind, WalletPlatform };

/** A sync task queued with an event, as `dispatchTasks` (inngest/dispatch.ts) takes it. */
export type QueuedTask = Pick<SyncTask, "id" | "tenantId" | "kind" | "correlationId">;

/** One pass event to record. */
export interface NewPassEvent {
  tenantId: string;
  passId: string;
  passTypeId: string;
  kind: PassEventKind;
  /** The wallet it happened in: INSTALLED, REMOVED and DOWNLOADED name one; the rest leave it out. */
  platform?: WalletPlatform | null;
  /** Kind-specific facts without personal data, e.g. `{ changedKeys: ["points"] }` for UPDATED. */
  detail?: Record<string, unknown> | null;
  /**
   * Makes recording idempotent per tenant: a second event with the same key is not recorded
   * (e.g. `installed:apple:<registration id>`, `updated:<pass id>:<versionTag>`).
   */
  dedupeKey?: string | null;
  /** When it happened (default now). */
  occurredAt?: Date;
  /**
   * The correlation id the outbound tasks carry; default the one of `causeTaskId`'s task, else a
   * new one.
   */
  correlationId?: string | null;
  /** The sync task whose work the event is part of (a pushUpdate's), for its correlation id. */
  causeTaskId?: string | null;
  /**
   * Collects the outbound tasks queued with the event. The caller sends them (dispatchTasks)
   * after its transaction commits; without an outbox they wait for the redispatcher (at most a
   * minute: server/tasks/redispatch.ts).
   */
  outbox?: QueuedTask[];
}

/** The kinds of event sent to Klaviyo as events; all but UPDATED also update the profile. */
const OUTBOUND_KINDS = `('ISSUED', 'INSTALLED', 'REMOVED', 'UPDATED')`;

/**
 * Records a pass event on `sql` (inside the caller's transaction when it has one, so the event
 * exists exactly when what it describes was written), with its outbound Klaviyo tasks when the
 * tenant sends to Klaviyo (module comment), pushed onto `event.outbox`.
 * @returns the new row's id, or null when `dedupeKey` was already recorded
 */
export async function recordPassEvent(sql: Sql, event: NewPassEvent): Promise<string | null> {
  const rows = await sql.query<{ id: string; tasks: QueuedTask[] }>(
    `WITH ev AS (
       INSERT INTO "PassEvent" (id, "tenantId", "passId", "passTypeId", kind, platform, detail, "dedupeKey", "occurredAt")
       VALUES (gen_random_uuid()::text, $1, $2, $3, $4::"PassEventKind", $5::"WalletPlatform", $6::jsonb, $7, COALESCE($8::timestamptz, now()) AT TIME ZONE 'UTC')
       ON CONFLICT ("tenantId", "dedupeKey") DO NOTHING
       RETURNING id, "tenantId", "passId", kind),
     outbound AS (
       INSERT INTO "SyncTask" (id, "tenantId", kind, "correlationId", "dedupeKey", input, "passId", "customerRecordId", "queuedAt", "createdAt", "updatedAt")
       SELECT gen_random_uuid()::text, ev."tenantId", k.kind::"SyncTaskKind",
              COALESCE($9::text, (SELECT c."correlationId" FROM "SyncTask" c WHERE c.id = $10::text), gen_random_uuid()::text),
              k.prefix || ev.id, jsonb_build_object('passEventId', ev.id), ev."passId",
              (SELECT p."customerRecordId" FROM "Pass" p WHERE p.id = ev."passId"),
              now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
         FROM ev
         JOIN "Tenant" t ON t.id = ev."tenantId" AND t."klaviyoApiKeyEncrypted" IS NOT NULL AND t."klaviyoEnabled"
        CROSS JOIN (VALUES ('KLAVIYO_EVENT', 'klaviyo-event:'), ('KLAVIYO_PROFILE', 'klaviyo-profile:')) AS k(kind, prefix)
        WHERE ev.kind IN ${OUTBOUND_KINDS} AND (k.kind = 'KLAVIYO_EVENT' OR ev.kind <> 'UPDATED')
       ON CONFLICT ("tenantId", "dedupeKey") DO NOTHING
       RETURNING id, "tenantId", kind::text AS kind, "correlationId")
     SELECT ev.id, COALESCE((SELECT json_agg(outbound) FROM outbound), '[]'::json) AS tasks FROM ev`,
    [
      event.tenantId,
      event.passId,
      event.passTypeId,
      event.kind,
      event.platform ?? null,
      event.detail ? JSON.stringify(event.detail) : null,
      event.dedupeKey ?? null,
      event.occurredAt?.toISOString() ?? null,
      event.correlationId ?? null,
      event.causeTaskId ?? null,
    ],
  );
  const row = rows[0];
  if (row && event.outbox) event.outbox.push(...row.tasks);
  return row?.id ?? null;
}
