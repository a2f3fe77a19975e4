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
});
