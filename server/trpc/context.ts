/** The tRPC context of an HTTP request (or a server component): the session's staff member. */
import { currentStaff } from "../auth/session";
import { createInnerContext, type Context } from "./init";

/** Reads the next-auth session and loads the staff member it names. */
export async function createRequestContext(): Promise<Context> {
  return createInnerContext({ staff: await currentStaff() });
}
