/**
 * The walk of a publication (server/passes/publish.ts), one time slice at a time: bump a batch,
 * push it (`PushSender.sendRange`), record it, and again, until the slice's time budget is spent
 * or every pass is done. All state is in the PassTypePublish row, so a slice can be cut anywhere
 * (a crash, a retry) and the next one continues where the committed state says.
 */
import { bumpPublishBatch, recordPublishPushes } from "@/server/passes/publish";
import type { PushSender } from "./push";

/** What one slice did; `finished` once the publication is SUCCEEDED (or was superseded). */
export interface PublishSliceResult {
  finished: boolean;
  batches: number;
}

/**
 * Runs batches of the publication for up to `budgetMs` (at least one batch).
 * @throws the database's or the push pipeline's error (the caller retries the slice)
 */
export async function runPublishSlice(publishId: string, sender: PushSender, budgetMs: number): Promise<PublishSliceResult> {
  const started = Date.now();
  let batches = 0;
  for (;;) {
    const next = await bumpPublishBatch(publishId);
    if (next.kind !== "push") return { finished: true, batches };
    const outcome = await sender.sendRange(next);
    await recordPublishPushes(publishId, next.after, next.upTo, { accepted: outcome.accepted, failed: outcome.rejected + outcome.failed });
    batches++;
    if (Date.now() - started >= budgetMs) return { finished: false, batches };
  }
}
