/**
 * OpenID Connect sign-in over HTTP against an app configured with a test provider: an existing
 * staff member gets a console session; someone who is not staff is refused.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startApp, type RunningApp } from "@/server/tooling/testing/app";
import { startOidcProvider } from "@/server/tooling/testing/oidc-provider";
import { TestBrowser } from "@/server/tooling/testing/browser";
import { createStaff } from "@/server/staff/staff";
import { uniqueSlug } from "@/server/tooling/testing/cli";
import { TEST_PASSWORD } from "@/server/tooling/testing/console-fixtures";

describe("OpenID Connect sign-in", () => {
  let app: RunningApp;
  let provider: Awaited<ReturnType<typeof startOidcProvider>>;
  let email: string;
  beforeAll(async () => {
    provider = await startOidcProvider({ clientId: "passflow-console" });
    app = await startApp({
      name: "oidc",
      env: {
        DATABASE_URL: inject("databaseUrl"),
        PASSFLOW_DATA_DIR: inject("dataDir"),
        OIDC_ISSUER: provider.issuer,
        OIDC_CLIENT_ID: "passflow-console",
        OIDC_CLIENT_SECRET: "oidc-test-secret",
        OIDC_DISPLAY_NAME: "Test SSO",
      },
    });
    email = `${uniqueSlug("sso")}@staff.example.com`;
    await createStaff({ email, role: "OPERATOR", password: TEST_PASSWORD, actor: "test" });
  }, 300_000);
  afterAll(async () => {
    await app?.stop();
    await provider?.stop();
  });

  async function ssoSignIn(userEmail: string, verified = true): Promise<{ browser: TestBrowser; landing: string }> {
    const browser = new TestBrowser(app.url);
    const authorization = await browser.authForm("/api/auth/signin/oidc");
    expect(authorization.origin).toBe(provider.issuer);
    expect(authorization.searchParams.get("code_challenge")).toBeTruthy(); // PKCE
    const callback = await browser.fetch(provider.authorize(authorization, userEmail, verified));
    return { browser, landing: callback.headers.get("location") ?? "" };
  }

  it("offers the provider on the sign-in page", async () => {
    const providers = (await (await new TestBrowser(app.url).fetch("/api/auth/providers")).json()) as Record<string, { name: string }>;
    expect(providers.oidc?.name).toBe("Test SSO");
  }, 240_000);

  it("signs an existing staff member in, with their role from the database", async () => {
    const { browser, landing } = await ssoSignIn(email.toUpperCase());
    expect(landing).not.toContain("error=");
    const me = await browser.query("me.get");
    expect(me.status).toBe(200);
    expect(JSON.stringify(await me.json())).toContain('"role":"OPERATOR"');
  }, 240_000);

  it("refuses people who are not staff and unverified emails", async () => {
    for (const [who, verified] of [["stranger@example.com", true], [email, false]] as const) {
      const { browser, landing } = await ssoSignIn(who, verified);
      expect(landing).toContain("error=AccessDenied");
      expect((await browser.query("me.get")).status).toBe(401);
    }
  }, 240_000);
});
