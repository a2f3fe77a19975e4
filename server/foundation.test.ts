import { describe, expect, it } from "vitest";
import { Writable } from "node:stream";
import { parseEnv, EnvError } from "./platform/env";
import { decryptSecret, encryptSecret, hashToken, safeEqual } from "./platform/crypto";
import { normalizeIdentifiers, normalizePhone } from "./identifiers/identifiers";
import { computeMetadata, starterPassTypes } from "./pass-types/pass-types";
import { createLogger, withCorrelation } from "./platform/log";

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
