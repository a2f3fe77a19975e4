/** Console staff management (admins only). */
import { StaffRole } from "@prisma/client";
import { z } from "zod";
import { createStaff, listStaff, updateStaff } from "@/server/staff/staff";
import { adminProcedure, router } from "../init";

export const staffRouter = router({
  /** Every staff member (never password hashes). */
  list: adminProcedure.query(() => listStaff()),
  /** Creates a staff member with a password (at least 12 characters). */
  create: adminProcedure
    .input(z.object({ email: z.string().trim().min(3), name: z.string().trim().max(200).optional(), role: z.enum(StaffRole), password: z.string().min(1) }))
    .mutation(({ input, ctx }) => createStaff({ ...input, actor: ctx.staff.email })),
  /** Changes a staff member's role, or disables / re-enables them. */
  update: adminProcedure
    .input(z.object({ id: z.string().min(1), role: z.enum(StaffRole).optional(), disabled: z.boolean().optional() }))
    .mutation(({ input, ctx }) => updateStaff({ ...input, actor: ctx.staff })),
});
