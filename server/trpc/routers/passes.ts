/** Pass search and detail. */
import { z } from "zod";
import { getPassDetail, passSearchInput, searchPasses } from "../../console/passes";
import { router, viewerProcedure } from "../init";

export const passesRouter = router({
  /** Passes by email, phone (any format), customerId, custom identifier or serialNumber. */
  search: viewerProcedure.input(passSearchInput).query(({ input }) => searchPasses(input)),
  /** Preview, data, timeline, devices, pushes and funnel of one pass. */
  get: viewerProcedure.input(z.object({ serialNumber: z.string().min(1) })).query(({ input }) => getPassDetail(input.serialNumber)),
});
