/**
 * Pass events: the steps of a pass's life (issued, its Add to Wallet page opened, downloaded,
 * installed in a wallet, removed, updated), one row each in `PassEvent`. They feed the install
 * funnel and the events Passflow sends to Klaviyo. A row holds ids and field keys only, never
 * personal data, so it survives in the funnel's counts without carrying the customer.
 */
import type { PassEventKind, WalletPlatform } from "@prisma/client";
import type { Sql } from "../db/sql";

export type { PassEventKind, WalletPlatform };

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
}

/**
 * Records a pass event on `sql` (inside the caller's transaction when it has one, so the event
 * exists exactly when what it describes was written).
 * @returns the new row's id, or null when `dedupeKey` was already recorded
 */
export async function recordPassEvent(sql: Sql, event: NewPassEvent): Promise<string | null> {
  const rows = await sql.query<{ id: string }>(
    `INSERT INTO "PassEvent" (id, "tenantId", "passId", "passTypeId", kind, platform, detail, "dedupeKey", "occurredAt")
     VALUES (gen_random_uuid()::text, $1, $2, $3, $4::"PassEventKind", $5::"WalletPlatform", $6::jsonb, $7, COALESCE($8::timestamptz, now()) AT TIME ZONE 'UTC')
     ON CONFLICT ("tenantId", "dedupeKey") DO NOTHING
     RETURNING id`,
    [
      event.tenantId,
      event.passId,
      event.passTypeId,
      event.kind,
      event.platform ?? null,
      event.detail ? JSON.stringify(event.detail) : null,
      event.dedupeKey ?? null,
      event.occurredAt?.toISOString() ?? null,
    ],
  );
  return rows[0]?.id ?? null;
}
