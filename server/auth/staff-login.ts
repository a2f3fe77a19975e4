/**
 * Password sign-in for console staff: throttled, constant work whether or not the email exists,
 * disabled staff refused. Independent of next-auth so it can be tested directly.
 */
import { findStaffCredentials, hashPassword, touchStaffLogin, verifyPassword, type StaffIdentity } from "@/server/staff/staff";
import { clearLoginFailures, loginBlockedFor, recordLoginFailure } from "./login-throttle";

export type PasswordSignIn =
  | { ok: true; staff: StaffIdentity }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

let dummyHash: Promise<string> | undefined;

/** Checks an email and password. `address` is the client address the attempt came from. */
export async function signInWithPassword(input: { email: string; password: string; address: string }): Promise<PasswordSignIn> {
  const email = input.email.trim().toLowerCase();
  const blocked = await loginBlockedFor(email, input.address);
  if (blocked > 0) return { ok: false, reason: "throttled", retryAfterSeconds: blocked };
  const user = email ? await findStaffCredentials(email) : null;
  // Verify against a throwaway hash for unknown users so timing does not reveal who exists.
  const hash = user?.passwordHash ?? (await (dummyHash ??= hashPassword("passflow-timing-equalizer")));
  const valid = (await verifyPassword(hash, input.password)) && !!user?.passwordHash && !user.disabledAt;
  if (!valid || !user) {
    await recordLoginFailure(email, input.address);
    return { ok: false, reason: "invalid" };
  }
  await clearLoginFailures(email);
  await touchStaffLogin(user.id);
  return { ok: true, staff: { id: user.id, email: user.email, name: user.name, role: user.role } };
}
