/** The staff member behind the current request's next-auth session (App Router server code). */
import { getServerSession } from "next-auth";
import { findActiveStaff, type StaffIdentity } from "@/server/staff/staff";
import { authOptions } from "./options";

/**
 * The signed-in, enabled staff member, or null (also once they signed out: a copy of the cookie
 * stops working). Role comes from the database, not the cookie.
 */
export async function currentStaff(): Promise<StaffIdentity | null> {
  const session = await getServerSession(authOptions());
  return session?.staffId ? findActiveStaff(session.staffId, session.signedInAt) : null;
}
