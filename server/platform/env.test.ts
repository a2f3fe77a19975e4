import { describe, expect, it } from "vitest";
import { parseEnv, EnvError } from "./env";

describe("env", () => {
  it("applies defaults and names every invalid variable", () => {
    expect(parseEnv({}).PORT).toBe(3000);
    expect(() => parseEnv({ PORT: "http", LOG_LEVEL: "loud" })).toThrow(EnvError);
    expect(() => parseEnv({ PORT: "http", LOG_LEVEL: "loud" })).toThrow(/PORT: .*; LOG_LEVEL: /);
  });

  it("requires the encryption key and session secret in production", () => {
    expect(() => parseEnv({ NODE_ENV: "production" })).toThrow(
      "invalid configuration: PASSFLOW_ENCRYPTION_KEY, NEXTAUTH_SECRET required when NODE_ENV=production",
    );
    expect(() => parseEnv({ PASSFLOW_ENCRYPTION_KEY: "short" })).toThrow(/PASSFLOW_ENCRYPTION_KEY: must be 32 bytes/);
  });

  it("wants the OpenID Connect settings all together", () => {
    const base = { NODE_ENV: "test" };
    expect(() => parseEnv({ ...base, OIDC_ISSUER: "https://id.example.com" })).toThrow(/OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET/);
    const env = parseEnv({ ...base, OIDC_ISSUER: "https://id.example.com", OIDC_CLIENT_ID: "passflow", OIDC_CLIENT_SECRET: "s3cret", OIDC_DISPLAY_NAME: "" });
    expect(env.OIDC_DISPLAY_NAME).toBe("Single sign-on");
    expect(env.STAFF_SESSION_MAX_AGE).toBe(8 * 3600);
  });
});
