import { describe, expect, it } from "vitest";
import { Writable } from "node:stream";
import { parseEnv, EnvError } from "./platform/env";
import { decryptSecret, encryptSecret, hashToken, safeEqual } from "./platform/crypto";
import { normalizeIdentifiers, normalizePhone } from "./identifiers/identifiers";
import { computeMetadata, starterPassTypes } from "./pass-types/pass-types";
import { createLogger, withCorrelation } from "./platform/log";

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
});

describe("crypto", () => {
  it("round-trips secrets and refuses altered ciphertext", () => {
    const sealed = encryptSecret("whsec_abc");
    expect(sealed).not.toContain("whsec_abc");
    expect(decryptSecret(sealed)).toBe("whsec_abc");
    expect(encryptSecret("whsec_abc")).not.toBe(sealed); // random IV
    const parts = sealed.split(".");
    parts[4] = Buffer.from("whsec_abd").toString("base64url");
    expect(() => decryptSecret(parts.join("."))).toThrow();
  });

  it("hashes tokens and compares in constant time", () => {
    expect(hashToken("a")).toBe("ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb");
    expect(safeEqual("abc", "abc")).toBe(true);
    expect(safeEqual("abc", "abd")).toBe(false);
    expect(safeEqual("abc", "abcd")).toBe(false);
  });
});

describe("identifiers", () => {
  const tenant = { defaultPhoneRegion: "US", customIdentifierKeys: ["loyaltyNumber"] };

  it("normalizes email, phone and custom keys; empty strings are absent", () => {
    expect(
      normalizeIdentifiers({ email: " Jane.Doe@Example.com", phone: "(415) 555-0100", customerId: "", loyaltyNumber: "LN-1", other: "x" }, tenant),
    ).toEqual({ email: "jane.doe@example.com", phone: "+14155550100", customerId: undefined, custom: { loyaltyNumber: "LN-1" } });
    expect(normalizePhone("+34 912 34 56 78", "US")).toBe("+34912345678");
    expect(normalizePhone("020 7946 0958", "GB")).toBe("+442079460958");
    expect(() => normalizePhone("12", "US")).toThrow(/not a phone number/);
  });

  it("does not read custom keys from the prototype", () => {
    const raw = JSON.parse('{"__proto__": {"loyaltyNumber": "evil"}, "email": "a@b.co"}');
    expect(normalizeIdentifiers(raw, tenant).custom).toEqual({});
  });
});

describe("pass types", () => {
  it("starter types are storeCards with typed fields, images at three scales, and different colors", () => {
    const [basic, premium] = starterPassTypes("Acme");
    expect(basic!.fields.find((f) => f.key === "points")).toMatchObject({ type: "number", slot: "primaryFields" });
    expect(Object.keys(basic!.images)).toEqual(expect.arrayContaining(["icon.png", "icon@2x.png", "icon@3x.png", "logo.png", "strip@2x.png"]));
    expect(Buffer.from(basic!.images["icon.png"]!, "base64").subarray(1, 4).toString()).toBe("PNG");
    expect(basic!.template.backgroundColor).not.toBe(premium!.template.backgroundColor);
    const meta = computeMetadata(basic!, { points: 10, tier: "Gold", offer: null });
    expect(meta.layout).toEqual({ primaryFields: ["points"], secondaryFields: ["tier"] });
  });
});

describe("log", () => {
  it("writes JSON lines with the correlation id and redacts secrets", () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
    const log = createLogger(sink);
    log.level = "info";
    log.info("outside");
    withCorrelation("corr-123", () => log.info({ headers: { authorization: "Bearer pf_secret" }, apiKey: "pf_secret" }, "received"));
    const line = lines.map((l) => JSON.parse(l)).find((l) => l.msg === "received");
    expect(line).toMatchObject({ correlationId: "corr-123", apiKey: "[redacted]", headers: { authorization: "[redacted]" } });
    expect(lines.join("")).not.toContain("pf_secret");
    expect(JSON.parse(lines[0]!)).not.toHaveProperty("correlationId");
  });
});
