/** Overview charts. */
import { overviewInput, overviewStats } from "../../console/overview";
import { lastRetentionRun } from "../../tasks/retention";
import { router, viewerProcedure } from "../init";

export const overviewRouter = router({
  /** Per-tenant webhooks, task outcomes and pushes over 24 h or 7 days. */
  stats: viewerProcedure.input(overviewInput).query(({ input }) => overviewStats({ range: input.range })),
  /** The latest data retention run (under way or finished) and what it removed. */
  retention: viewerProcedure.query(() => lastRetentionRun()),
});
