/**
 * pass-import: on `pass.import.requested`, issues a pass to every customer of a stored CSV file
 * (server/passes/imports.ts: the record, the batches, the row errors).
 *
 * One step per time slice (batches for up to 20 s, each batch committed with the import's cursor,
 * counts and row errors), so a run has a bounded number of steps whatever the size of the file,
 * and a retry or a restart continues from the committed cursor: no row is issued twice.
 *
 * Rate: one import per tenant at a time (concurrency keyed by tenant). Retries: 5; onFailure marks
 * the import FAILED with the error and deletes its file.
 */
import { inngest } from "../client";
import { passImportRequested } from "../events";
import { failPassImport, getPassImport, runImportSlice } from "@/server/passes/imports";
import { logger, withCorrelation } from "@/server/platform/log";

/** How long one step works before handing over to the next (well within a serve call's time). */
const SLICE_BUDGET_MS = 20_000;

export const passImport = inngest.createFunction(
  {
    id: "pass-import",
    name: "Pass import (bulk enrolment)",
    triggers: [passImportRequested],
    retries: 5,
    concurrency: [{ key: "event.data.tenantId", limit: 1 }],
    onFailure: async ({ event, error }) => {
      const { importId, correlationId } = event.data.event.data;
      await failPassImport(importId, error.message);
      withCorrelation(correlationId, () => logger.error({ importId, err: error.message }, "pass import failed for good"));
    },
  },
  async ({ event, step }) => {
    const { importId, correlationId } = event.data;
    for (let slice = 0; ; slice++) {
      const r = await step.run(`slice-${slice}`, () => withCorrelation(correlationId, () => runImportSlice(importId, SLICE_BUDGET_MS)));
      if (r.finished) break;
    }
    return step.run("progress", async () => {
      const p = await getPassImport(importId);
      return p && { status: p.status, total: p.total, done: p.done, issued: p.issued, existing: p.existing, failed: p.failed };
    });
  },
);
