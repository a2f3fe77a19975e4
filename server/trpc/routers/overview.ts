/** Overview charts. */
import { overviewInput, overviewStats } from "../../console/overview";
import { router, viewerProcedure } from "../init";

export const overviewRouter = router({
  /** Per-tenant webhooks, task outcomes and pushes over 24 h or 7 days. */
  stats: viewerProcedure.input(overviewInput).query(({ input }) => overviewStats({ range: input.range })),
});
