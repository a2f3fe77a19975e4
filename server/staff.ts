/** Console staff accounts. Passwords are hashed with argon2id (@node-rs/argon2). */
import { hash, verify } from "@node-rs/argon2";
import { Prisma, StaffRole } from "@prisma/client";
import { z } from "zod";
import { db } from "./db/client";
import { DomainError } from "./errors";
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
