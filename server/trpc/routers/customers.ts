/** Customer detail. */
import { z } from "zod";
import { getCustomerDetail } from "../../console/customers";
import { router, viewerProcedure } from "../init";

export const customersRouter = router({
  /** Identifiers, consent, properties, passes and sync history of one customer. */
  get: viewerProcedure.input(z.object({ id: z.string().min(1) })).query(({ input }) => getCustomerDetail(input.id)),
});
