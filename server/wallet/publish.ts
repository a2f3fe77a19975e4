/**
 * The walk of a publication (server/passes/publish.ts), one time slice at a time: bump a batch,
 * push it (`PushSender.sendRange`) while the next one is bumped, record it, ask google-sync to
 * PATCH the range's Google Wallet objects, and again, until the
 * slice's time budget is spent or every pass is done. All state is in the PassTypePublish row, so a slice can be cut anywhere
 * (a crash, a retry) and the next one continues where the committed state says.
 */
import { bumpPublishBatch, recordPublishPushes, type PublishStep } from "@/server/passes/publish";
import { poolSql } from "../db/sql";
import { inngest } from "@/inngest/client";
import { googleObjectSyncEvent } from "@/inngest/events";
import type { PushSender } from "./push";

/** What one slice did; `finished` once the publication is SUCCEEDED (or was superseded). */
export interface PublishSliceResult {
  finished: boolean;
  batches: number;
  /** Wall time of the slice's phases, ms: bumping batches, pushing them, recording the pushes. */
  ms: { bump: number; push: number; record: number };
}

/**
 * Runs batches of the publication for up to `budgetMs` (at least one batch). The next batch is
 * bumped while the current one is pushed (the database and APNs work at once), so at most two
 * batches are in memory.
 * @throws the database's or the push pipeline's error (the caller retries the slice)
 */
export async function runPublishSlice(publishId: string, sender: PushSender, budgetMs: number): Promise<PublishSliceResult> {
  const started = Date.now();
  const ms = { bump: 0, push: 0, record: 0 };
  const timed = async <T>(phase: keyof typeof ms, work: Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await work;
    } finally {
      ms[phase] += performance.now() - t;
    }
  };
  let batches = 0;
  let current = await timed("bump", bumpPublishBatch(publishId));
  while (current.kind === "push") {
    const range = current;
    const [outcome, next] = await Promise.all([timed("push", sender.sendRange(range)), timed("bump", bumpPublishBatch(publishId, { ahead: true }))]);
    await timed("record", recordPublishPushes(publishId, range.after, range.upTo, { accepted: outcome.accepted, failed: outcome.rejected + outcome.failed }));
    await timed("record", requestGoogleObjectSyncs(range));
    batches++;
    if (next.kind === "stopped") break;
    // drained: nothing left to bump; the plain call finds nothing in doubt and marks it SUCCEEDED
    current = next.kind === "push" ? next : await timed("bump", bumpPublishBatch(publishId));
    if (current.kind === "push" && Date.now() - started >= budgetMs) return { finished: false, batches, ms: rounded(ms) };
  }
  return { finished: true, batches, ms: rounded(ms) };
}

/**
 * Asks google-sync to PATCH the Google Wallet objects of the range's passes (those that have one)
 * with their new version. Event ids name the pass version, so a range pushed again after a crash
 * asks nothing twice.
 */
async function requestGoogleObjectSyncs(range: Extract<PublishStep, { kind: "push" }>): Promise<void> {
  const rows = await poolSql().query<{ passId: string; versionTag: string }>(
    `SELECT p.id AS "passId", p."versionTag"::text AS "versionTag"
       FROM "Pass" p JOIN "GoogleWalletObject" g ON g."passId" = p.id
      WHERE p."passTypeId" = $1 AND p.id > coalesce($2::text, '') AND p.id <= $3 AND NOT p.voided AND p."erasedAt" IS NULL`,
    [range.passTypeId, range.after, range.upTo],
  );
  if (!rows.length) return;
  await inngest.send(rows.map((r) => googleObjectSyncEvent({ ...r, tenantId: range.tenantId, taskId: null, correlationId: range.correlationId })));
}

const rounded = (ms: PublishSliceResult["ms"]) => ({ bump: Math.round(ms.bump), push: Math.round(ms.push), record: Math.round(ms.record) });
