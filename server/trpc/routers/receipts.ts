/** Webhook receipts. */
import { z } from "zod";
import { getReceipt, listReceipts, receiptListInput } from "../../console/receipts";
import { router, viewerProcedure } from "../init";

export const receiptsRouter = router({
  /** One page of receipts matching the filter. */
  list: viewerProcedure.input(receiptListInput).query(({ input }) => listReceipts(input)),
  /** A receipt with redacted headers, raw body and its tasks. */
  get: viewerProcedure.input(z.object({ id: z.string().min(1) })).query(({ input }) => getReceipt(input.id)),
});
