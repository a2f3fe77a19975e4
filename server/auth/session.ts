/** The staff member behind the current request's next-auth session (App Router server code). */
import { getServerSession } from "next-auth";
import { findActiveStaff, type StaffIdentity } from "@/server/staff/staff";
import type { StaffRole } from "@prisma/client";
import { HttpProblem } from "@/server/platform/http/problem";
import { authOptions } from "./options";
import { roleAtLeast } from "./roles";

/**
 * The signed-in, enabled staff member, or null (also once they signed out: a copy of the cookie
 * stops working). Role comes from the database, not the cookie.
 */
export async function currentStaff(): Promise<StaffIdentity | null> {
  const session = await getServerSession(authOptions());
  return session?.staffId ? findActiveStaff(session.staffId, session.signedInAt) : null;
}

/**
 * The signed-in staff member, who must hold at least `min` for `what` (e.g. "downloading a pass").
 * @throws HttpProblem 401 (not signed in), 403 (a weaker role)
 */
export async function requireStaff(min: StaffRole, what: string): Promise<StaffIdentity> {
  const staff = await currentStaff();
  if (!staff) throw new HttpProblem({ status: 401, detail: "sign in to the console first" });
  if (!roleAtLeast(staff.role, min)) throw new HttpProblem({ status: 403, detail: `${what} needs the ${min} role` });
  return staff;
}
