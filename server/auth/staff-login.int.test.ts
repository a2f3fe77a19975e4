/** Password sign-in: argon2id verify, disabled staff refused, failed attempts throttled. */
import { beforeEach, describe, expect, it } from "vitest";
import { createStaff } from "@/server/staff/staff";
import { uniqueSlug } from "@/server/tooling/testing/cli";
import { TEST_PASSWORD } from "@/server/tooling/testing/console-fixtures";
import { signInWithPassword } from "./staff-login";
import { MAX_FAILURES_PER_EMAIL } from "./login-throttle";
import { db } from "../db/client";

describe("signInWithPassword", () => {
  let email: string;
  beforeEach(async () => {
    email = `${uniqueSlug("login")}@staff.example.com`;
    await createStaff({ email, role: "VIEWER", password: TEST_PASSWORD, actor: "test" });
  });

  it("accepts the right password (email in any case) and records the sign-in", async () => {
    const r = await signInWithPassword({ email: email.toUpperCase(), password: TEST_PASSWORD, address: "10.0.0.1" });
    expect(r).toMatchObject({ ok: true, staff: { email, role: "VIEWER" } });
    expect((await db().staffUser.findUnique({ where: { email } }))?.lastLoginAt).not.toBeNull();
  });

  it("refuses a wrong password, an unknown email and a disabled account alike", async () => {
    expect(await signInWithPassword({ email, password: "wrong password!!", address: "10.0.0.2" })).toEqual({ ok: false, reason: "invalid" });
    expect(await signInWithPassword({ email: "nobody@example.com", password: TEST_PASSWORD, address: "10.0.0.2" })).toEqual({ ok: false, reason: "invalid" });
    await db().staffUser.update({ where: { email }, data: { disabledAt: new Date() } });
    expect(await signInWithPassword({ email, password: TEST_PASSWORD, address: "10.0.0.3" })).toEqual({ ok: false, reason: "invalid" });
  });

  it("throttles an email after repeated failures, even with the right password", async () => {
    for (let i = 0; i < MAX_FAILURES_PER_EMAIL; i++) {
      expect(await signInWithPassword({ email, password: `wrong ${i}`, address: `10.1.0.${i}` })).toMatchObject({ reason: "invalid" });
    }
    const r = await signInWithPassword({ email, password: TEST_PASSWORD, address: "10.1.1.1" });
    expect(r).toMatchObject({ ok: false, reason: "throttled" });
    expect((r as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(800);
  });
});
