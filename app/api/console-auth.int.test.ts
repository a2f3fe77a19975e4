/**
 * Console sign-in and tRPC over real HTTP against the running app: next-auth credentials with its
 * CSRF token, the session cookie, roles enforced on HTTP calls, cross-site mutations refused,
 * throttled failures and sign-out.
 */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createStaff } from "@/server/staff/staff";
import { uniqueSlug } from "@/server/tooling/testing/cli";
import { TEST_PASSWORD } from "@/server/tooling/testing/console-fixtures";
import { TestBrowser } from "@/server/tooling/testing/browser";

const appUrl = inject("appUrl");

async function staff(role: "VIEWER" | "OPERATOR") {
  const email = `${uniqueSlug(`http-${role.toLowerCase()}`)}@staff.example.com`;
  await createStaff({ email, role, password: TEST_PASSWORD, actor: "test" });
  return email;
}

describe("console over HTTP", () => {
  let viewer: string;
  let operator: string;
  beforeAll(async () => {
    viewer = await staff("VIEWER");
    operator = await staff("OPERATOR");
  });

  it("refuses tRPC calls without a session", async () => {
    const res = await new TestBrowser(appUrl).query("me.get");
    expect(res.status).toBe(401);
  }, 240_000); // the first request compiles the tRPC route

  it("signs a VIEWER in with the CSRF token, serves reads and refuses an OPERATOR procedure", async () => {
    const b = new TestBrowser(appUrl);
    const url = await b.signIn(viewer, TEST_PASSWORD);
    expect(url.searchParams.get("error")).toBeNull();
    expect([...b.cookies.keys()].some((k) => k.endsWith("next-auth.session-token"))).toBe(true);
    const me = await b.query("me.get");
    expect(me.status).toBe(200);
    expect(JSON.stringify(await me.json())).toContain(viewer);
    const refused = await b.mutate("tenants.createApiKey", { tenant: "demo", name: "nope" });
    expect(refused.status).toBe(403);
    expect(JSON.stringify(await refused.json())).toContain("FORBIDDEN");
  });

  it("refuses a sign-in without the CSRF token", async () => {
    const b = new TestBrowser(appUrl);
    const body = new URLSearchParams({ email: viewer, password: TEST_PASSWORD, json: "true" });
    const res = await b.fetch("/api/auth/callback/credentials", { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(JSON.stringify(await res.json())).toMatch(/csrf/i);
    expect([...b.cookies.keys()].some((k) => k.endsWith("session-token"))).toBe(false);
  });

  it("refuses a cross-site mutation even with a valid OPERATOR session", async () => {
    const b = new TestBrowser(appUrl);
    await b.signIn(operator, TEST_PASSWORD);
    const res = await b.mutate("tenants.revokeApiKey", { prefix: "pf_unknown0" }, { origin: "https://evil.example" });
    expect(res.status).toBe(403);
    const same = await b.mutate("tenants.revokeApiKey", { prefix: "pf_unknown0" }, { origin: appUrl });
    expect(same.status).toBe(404); // reached the procedure: unknown key
  });

  it("throttles repeated failures and ends the session on sign-out", async () => {
    const email = await staff("VIEWER");
    const b = new TestBrowser(appUrl);
    for (let i = 0; i < 5; i++) expect((await b.signIn(email, "wrong password")).searchParams.get("error")).toBe("CredentialsSignin");
    expect((await b.signIn(email, TEST_PASSWORD)).searchParams.get("error")).toMatch(/^TooManyAttempts:\d+$/);

    const ok = new TestBrowser(appUrl);
    await ok.signIn(operator, TEST_PASSWORD);
    expect((await ok.query("me.get")).status).toBe(200);
    await ok.authForm("/api/auth/signout");
    expect((await ok.query("me.get")).status).toBe(401);
  });

  it("sends anonymous visitors of a console page to the sign-in page", async () => {
    const res = await new TestBrowser(appUrl).fetch("/tasks");
    expect([307, 308]).toContain(res.status);
    expect(res.headers.get("location")).toMatch(/\/login$/);
  }, 240_000); // `next dev` compiles the console layout on this first page request
});
