import { describe, expect, it } from "vitest";
import { parseEnv, EnvError } from "./env";

describe("env", () => {
  const production = { NODE_ENV: "production", PASSFLOW_ENCRYPTION_KEY: "a".repeat(64), NEXTAUTH_SECRET: "s3cret" };

  it("applies defaults and names every invalid variable", () => {
    expect(parseEnv({}).PORT).toBe(3000);
    expect(() => parseEnv({ PORT: "http", LOG_LEVEL: "loud" })).toThrow(EnvError);
    expect(() => parseEnv({ PORT: "http", LOG_LEVEL: "loud" })).toThrow(/PORT: .*; LOG_LEVEL: /);
  });

  it("reads an empty value as unset, so the default applies", () => {
    const env = parseEnv({ PORT: "", DATABASE_POOL_SIZE: " ", LOG_LEVEL: "", STAFF_SESSION_MAX_AGE: "", PASSFLOW_DATA_DIR: "", DEBUG_SQL: "", PUBLIC_URL: "" });
    expect(env).toMatchObject({ PORT: 3000, DATABASE_POOL_SIZE: 10, LOG_LEVEL: "info", STAFF_SESSION_MAX_AGE: 28800, DEBUG_SQL: false });
    expect(env.PUBLIC_URL).toBeUndefined();
    expect(env.PASSFLOW_DATA_DIR).toBeTruthy();
    expect(parseEnv({ PORT: "8080" }).PORT).toBe(8080);
  });

  it("says what each variable must be, not what the validator saw", () => {
    const message = (source: Record<string, string>) => {
      try {
        parseEnv(source);
      } catch (err) {
        return (err as Error).message;
      }
      throw new Error("parsed");
    };
    expect(message({ PORT: "http" })).toBe("invalid configuration: PORT: must be a port number 1-65535");
    expect(message({ PORT: "70000" })).toBe("invalid configuration: PORT: must be a port number 1-65535");
    expect(message({ PORT: "3000.5" })).toBe("invalid configuration: PORT: must be a port number 1-65535");
    expect(message({ DATABASE_POOL_SIZE: "lots" })).toBe("invalid configuration: DATABASE_POOL_SIZE: must be a whole number 1-100");
    expect(message({ LOG_LEVEL: "loud" })).toBe("invalid configuration: LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent");
    expect(message({ DEBUG_SQL: "yes" })).toBe("invalid configuration: DEBUG_SQL: must be true or false (or 1 or 0)");
    expect(message({ PUBLIC_URL: "passflow.example.com" })).toBe("invalid configuration: PUBLIC_URL: must be an http:// or https:// URL");
    expect(message({ NODE_ENV: "prod" })).toBe("invalid configuration: NODE_ENV: must be one of development, production, test");
    expect(message({ PORT: "x", APNS_PORT: "y" })).toBe("invalid configuration: PORT: must be a port number 1-65535; APNS_PORT: must be a port number 1-65535");
    expect(message({ PORT: "x" })).not.toMatch(/Invalid input|expected|received|NaN|Too small/);
  });

  it("requires the encryption key, session secret and public URL in production", () => {
    expect(() => parseEnv({ NODE_ENV: "production" })).toThrow(
      "invalid configuration: PASSFLOW_ENCRYPTION_KEY, NEXTAUTH_SECRET, PUBLIC_URL required when NODE_ENV=production",
    );
    expect(() => parseEnv({ PASSFLOW_ENCRYPTION_KEY: "short" })).toThrow(/PASSFLOW_ENCRYPTION_KEY: must be 32 bytes/);
  });

  it("refuses an http:// PUBLIC_URL in production, even localhost; allows http://localhost and 127.0.0.1 in development", () => {
    const refused = "invalid configuration: PUBLIC_URL: must be an https:// URL when NODE_ENV=production (Apple Wallet refuses an http:// webServiceURL)";
    expect(() => parseEnv({ ...production, PUBLIC_URL: "http://passflow.example.com" })).toThrow(refused);
    expect(() => parseEnv({ ...production, PUBLIC_URL: "http://localhost:3000" })).toThrow(refused);
    expect(() => parseEnv({ ...production, PUBLIC_URL: "http://127.0.0.1:3000" })).toThrow(refused);
    expect(parseEnv({ ...production, PUBLIC_URL: "https://passflow.example.com" }).PUBLIC_URL).toBe("https://passflow.example.com");
    expect(parseEnv({ PUBLIC_URL: "http://localhost:3000" }).PUBLIC_URL).toBe("http://localhost:3000");
    expect(parseEnv({ NODE_ENV: "development", PUBLIC_URL: "http://127.0.0.1:3000" }).PUBLIC_URL).toBe("http://127.0.0.1:3000");
    expect(() => parseEnv({ PUBLIC_URL: "http://passflow.example.com" })).toThrow(
      "invalid configuration: PUBLIC_URL: must be an https:// URL (http:// only for localhost or 127.0.0.1 in development)",
    );
  });

  it("wants the OpenID Connect settings all together", () => {
    const base = { NODE_ENV: "test" };
    expect(() => parseEnv({ ...base, OIDC_ISSUER: "https://id.example.com" })).toThrow(/OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET/);
    const env = parseEnv({ ...base, OIDC_ISSUER: "https://id.example.com", OIDC_CLIENT_ID: "passflow", OIDC_CLIENT_SECRET: "s3cret", OIDC_DISPLAY_NAME: "" });
    expect(env.OIDC_DISPLAY_NAME).toBe("Single sign-on");
    expect(env.STAFF_SESSION_MAX_AGE).toBe(8 * 3600);
  });

  it("reads the metrics token (unset: the endpoint is off) and the listeners' cache TTLs", () => {
    expect(parseEnv({}).METRICS_TOKEN).toBeUndefined();
    expect(parseEnv({}).API_KEY_CACHE_SECONDS).toBe(60);
    expect(parseEnv({ METRICS_TOKEN: "0123456789abcdef", API_KEY_CACHE_SECONDS: "0" })).toMatchObject({ METRICS_TOKEN: "0123456789abcdef", API_KEY_CACHE_SECONDS: 0 });
    expect(() => parseEnv({ METRICS_TOKEN: "short" })).toThrow("invalid configuration: METRICS_TOKEN: must be at least 16 visible characters without spaces");
    expect(() => parseEnv({ METRICS_TOKEN: "with a space inside it" })).toThrow(/METRICS_TOKEN: must be/);
    expect(() => parseEnv({ API_KEY_CACHE_SECONDS: "301" })).toThrow("invalid configuration: API_KEY_CACHE_SECONDS: must be a number of seconds 0-300");
    expect(parseEnv({}).TENANT_CACHE_SECONDS).toBe(5);
    expect(() => parseEnv({ TENANT_CACHE_SECONDS: "61" })).toThrow("invalid configuration: TENANT_CACHE_SECONDS: must be a number of seconds 0-60");
  });
});
