/** The signed-in staff member. */
import { router, viewerProcedure } from "../init";

export const meRouter = router({
  /** Who is signed in, with their role (the console hides controls the role cannot use). */
  get: viewerProcedure.query(({ ctx }) => ctx.staff),
});
