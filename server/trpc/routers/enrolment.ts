/** Bulk enrolment (pass imports; uploads go through app/api/console/tenants/[slug]/pass-imports) and the install funnel. */
import { z } from "zod";
import { funnelInput, installFunnel } from "../../console/funnel";
import { getPassImport, listPassImports } from "../../passes/imports";
import { DomainError } from "../../platform/errors";
import { router, viewerProcedure } from "../init";

export const enrolmentRouter = router({
  /** A tenant's latest imports with their progress, newest first. */
  imports: viewerProcedure.input(z.object({ tenant: z.string().min(1) })).query(({ input }) => listPassImports(input.tenant)),
  /** One import's progress. */
  import: viewerProcedure.input(z.object({ id: z.string().min(1) })).query(async ({ input }) => {
    const found = await getPassImport(input.id);
    if (!found) throw new DomainError("not_found", `no import ${JSON.stringify(input.id)}`, "id");
    return found;
  }),
  /** Issued → page opened → downloaded → installed → removed, per day and in total. */
  funnel: viewerProcedure.input(funnelInput).query(({ input }) => installFunnel(input)),
});
