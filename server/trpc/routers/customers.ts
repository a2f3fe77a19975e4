/** Customer detail and erasure. */
import { z } from "zod";
import { getCustomerDetail } from "../../console/customers";
import { eraseCustomer, previewErasure } from "../../customers/erasure";
import { adminProcedure, router, viewerProcedure } from "../init";

const customerRef = z.object({ id: z.string().min(1) });

export const customersRouter = router({
  /** Identifiers, consent, properties, passes and sync history of one customer. */
  get: viewerProcedure.input(customerRef).query(({ input }) => getCustomerDetail(input.id)),
  /** What erasing the customer would remove (the confirmation's counts); changes nothing. */
  erasurePreview: adminProcedure.input(customerRef).query(({ input }) => previewErasure({ customerRecordId: input.id })),
  /** Erases the customer's personal data (server/customers/erasure.ts); audited. */
  erase: adminProcedure.input(customerRef).mutation(async ({ input, ctx }) => {
    const r = await eraseCustomer({ customerRecordId: input.id, actor: ctx.staff.email });
    return { customerRecordId: r.customerRecordId, counts: r.counts, erasedAt: r.erasedAt, pushed: r.pushed };
  }),
});
