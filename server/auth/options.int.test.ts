/** next-auth callbacks: OpenID Connect users map to existing, enabled staff by verified email. */
import type { Account, Profile, User } from "next-auth";
import type { JWT } from "next-auth/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import { createStaff } from "@/server/staff/staff";
import { db } from "../db/client";
import { uniqueSlug } from "@/server/tooling/testing/cli";
import { TEST_PASSWORD } from "@/server/tooling/testing/console-fixtures";
import { authOptions, OIDC_PROVIDER_ID } from "./options";

const oidc = { provider: OIDC_PROVIDER_ID, type: "oauth", providerAccountId: "sub-1" } as Account;

describe("OpenID Connect sign-in mapping", () => {
  let email: string;
  let staffId: string;
  beforeAll(async () => {
    email = `${uniqueSlug("oidc")}@staff.example.com`;
    staffId = (await createStaff({ email, role: "OPERATOR", password: TEST_PASSWORD, actor: "test" })).id;
  });
  const { signIn, jwt } = authOptions().callbacks!;
  const attempt = (userEmail: string, profile: Partial<Profile> & { email_verified?: boolean } = { email_verified: true }) =>
    signIn!({ user: { id: "sub-1", email: userEmail } as User, account: oidc, profile: profile as Profile });

  it("lets in an existing staff member (email in any case) and puts their staff id in the session token", async () => {
    expect(await attempt(email.toUpperCase())).toBe(true);
    const token = await jwt!({ token: {} as JWT, user: { id: "sub-1", email: email.toUpperCase() } as User, account: oidc, trigger: "signIn" });
    expect(token.staffId).toBe(staffId);
  });

  it("refuses unknown people, unverified emails and disabled staff", async () => {
    expect(await attempt("stranger@example.com")).toBe(false);
    expect(await attempt(email, { email_verified: false })).toBe(false);
    const disabled = `${uniqueSlug("oidc-off")}@staff.example.com`;
    await createStaff({ email: disabled, role: "VIEWER", password: TEST_PASSWORD, actor: "test" });
    await db().staffUser.update({ where: { email: disabled }, data: { disabledAt: new Date() } });
    expect(await attempt(disabled)).toBe(false);
  });
});
