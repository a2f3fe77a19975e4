/** Audit log. */
import { auditActions, auditListInput, listAudit } from "../../console/audit";
import { router, viewerProcedure } from "../init";

export const auditRouter = router({
  /** One page of audit entries matching the filter. */
  list: viewerProcedure.input(auditListInput).query(({ input }) => listAudit(input)),
  /** Actions recorded so far, for the filter. */
  actions: viewerProcedure.query(() => auditActions()),
});
