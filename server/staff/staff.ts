/** Console staff accounts. Passwords are hashed with argon2id (@node-rs/argon2). */
import { hash, verify } from "@node-rs/argon2";
import { Prisma, StaffRole } from "@prisma/client";
import { z } from "zod";
import { db } from "@/server/db/client";
import { DomainError } from "@/server/platform/errors";
import { audit } from "./audit";

export const MIN_PASSWORD_LENGTH = 12;

/** Hashes a password (argon2id, library defaults: 19 MiB, t=2). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** Checks a password against a stored hash; false on any mismatch or malformed hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * Creates a staff user, or with `upsert` resets the password and role of an existing one.
 * @throws DomainError invalid_input (email, role, short password), conflict (email exists)
 */
export async function createStaff(input: {
  email: string;
  name?: string;
  role: string;
  password: string;
  actor: string;
  upsert?: boolean;
}) {
  const email = z.email().safeParse(input.email.trim().toLowerCase());
  if (!email.success) throw new DomainError("invalid_input", `not an email address: ${JSON.stringify(input.email)}`, "email");
  if (!Object.values(StaffRole).includes(input.role as StaffRole)) {
    throw new DomainError("invalid_input", `role must be one of ${Object.values(StaffRole).join(", ")}`, "role");
  }
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw new DomainError("invalid_input", `password must have at least ${MIN_PASSWORD_LENGTH} characters`, "password");
  }
  const data = {
    email: email.data,
    name: input.name?.trim() || email.data.split("@")[0]!,
    role: input.role as StaffRole,
    passwordHash: await hashPassword(input.password),
  };
  try {
    return await db().$transaction(async (tx) => {
      const user = input.upsert
        ? await tx.staffUser.upsert({ where: { email: data.email }, create: data, update: { passwordHash: data.passwordHash, role: data.role } })
        : await tx.staffUser.create({ data });
      await audit({ actor: input.actor, action: input.upsert ? "staff.upsert" : "staff.create", targetType: "StaffUser", targetId: user.id, details: { email: user.email, role: user.role } }, tx);
      return { id: user.id, email: user.email, name: user.name, role: user.role };
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      throw new DomainError("conflict", `staff user ${data.email} already exists`, "email");
    }
    throw err;
  }
}

/** What the console knows about the signed-in staff member (never the password hash). */
export const staffIdentitySelect = { id: true, email: true, name: true, role: true } satisfies Prisma.StaffUserSelect;
export type StaffIdentity = Prisma.StaffUserGetPayload<{ select: typeof staffIdentitySelect }>;

/**
 * The staff member with this id, or null when unknown or disabled (their sessions stop working),
 * or when `signedInAt` (ms) is before their sessions were ended by a sign-out.
 */
export async function findActiveStaff(id: string, signedInAt?: number): Promise<StaffIdentity | null> {
  const staff = await db().staffUser.findFirst({ where: { id, disabledAt: null }, select: { ...staffIdentitySelect, sessionsValidFrom: true } });
  if (!staff) return null;
  const { sessionsValidFrom, ...identity } = staff;
  if (sessionsValidFrom && (signedInAt === undefined || signedInAt < sessionsValidFrom.getTime())) return null;
  return identity;
}

/** Ends every console session of this staff member signed in until now (sign-out). */
export async function endStaffSessions(id: string): Promise<void> {
  await db().staffUser.updateMany({ where: { id }, data: { sessionsValidFrom: new Date() } });
}

/** The enabled staff member with this email (any case), or null. */
export async function findActiveStaffByEmail(email: string): Promise<StaffIdentity | null> {
  return db().staffUser.findFirst({ where: { email: email.trim().toLowerCase(), disabledAt: null }, select: staffIdentitySelect });
}

/** Staff as listed to admins. */
export const staffListSelect = {
  ...staffIdentitySelect,
  disabledAt: true,
  lastLoginAt: true,
  createdAt: true,
} satisfies Prisma.StaffUserSelect;

/** Every staff member, by email. */
export async function listStaff() {
  return db().staffUser.findMany({ orderBy: { email: "asc" }, select: staffListSelect });
}

/**
 * Changes a staff member's role or disables/enables them. An admin cannot demote or disable
 * themselves, so the console always keeps an admin.
 * @throws DomainError not_found, invalid_input
 */
export async function updateStaff(input: { id: string; role?: StaffRole; disabled?: boolean; actor: { id: string; email: string } }) {
  const user = await db().staffUser.findUnique({ where: { id: input.id }, select: staffListSelect });
  if (!user) throw new DomainError("not_found", `no staff user ${JSON.stringify(input.id)}`, "id");
  if (user.id === input.actor.id && ((input.role && input.role !== user.role) || input.disabled)) {
    throw new DomainError("invalid_input", "you cannot change your own role or disable yourself", "id");
  }
  const data: Prisma.StaffUserUpdateInput = {};
  if (input.role) data.role = input.role;
  if (input.disabled !== undefined) data.disabledAt = input.disabled ? (user.disabledAt ?? new Date()) : null;
  return db().$transaction(async (tx) => {
    const updated = await tx.staffUser.update({ where: { id: user.id }, data, select: staffListSelect });
    await audit(
      { actor: input.actor.email, action: "staff.update", targetType: "StaffUser", targetId: user.id, details: { email: user.email, role: updated.role, disabled: updated.disabledAt !== null } },
      tx,
    );
    return updated;
  });
}

/** Records a successful sign-in. */
export async function touchStaffLogin(id: string): Promise<void> {
  await db().staffUser.update({ where: { id }, data: { lastLoginAt: new Date() } });
}

/** Looks up a staff member for a password sign-in; includes the hash, never leaves the server. */
export async function findStaffCredentials(email: string) {
  return db().staffUser.findUnique({ where: { email: email.trim().toLowerCase() }, select: { ...staffIdentitySelect, passwordHash: true, disabledAt: true } });
}
