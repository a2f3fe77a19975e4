/**
 * Configuration, validated once at start-up with zod. A wrong or missing value throws an
 * `EnvError` whose message names the variable and says what it must be (`PORT: must be a port
 * number 1-65535`); entry points print that one line and exit 1. An empty value (`PORT=`, as a
 * copied `.env.example` leaves it) means unset: the default applies. Every variable is documented
 * in `.env.example`.
 */
import { z } from "zod";
import { DEFAULT_DATA_DIR } from "./data-dir-default";

/** `must be …` for every way a value can fail, instead of the validator's own wording. */
const must = (what: string) => ({ error: `must be ${what}` });

const bool = z
  .enum(["true", "false", "1", "0"], must("true or false (or 1 or 0)"))
  .optional()
  .transform((v) => v === "true" || v === "1");

/** An optional boolean that stays undefined when unset (its default depends on other variables). */
const optionalBool = z
  .enum(["true", "false", "1", "0"], must("true or false (or 1 or 0)"))
  .optional()
  .transform((v) => (v === undefined ? undefined : v === "true" || v === "1"));

/** A whole number in [min, max] that stays undefined when unset; `what` names it in the message (default "a whole number min-max"). */
function optionalInteger(min: number, max: number, what = `a whole number ${min}-${max}`) {
  const inRange = (v: string) => /^\d+$/.test(v.trim()) && Number(v) >= min && Number(v) <= max;
  return z
    .string(must(what))
    .refine(inRange, must(what))
    .transform((v) => Number(v))
    .optional();
}

/** A whole number in [min, max], `fallback` when unset. */
function integer(min: number, max: number, fallback: number, what?: string) {
  return optionalInteger(min, max, what).transform((v) => v ?? fallback);
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, must(`one of ${values.join(", ")}`));
}

const isUrl = (v: string, protocols: string[]) => {
  try {
    return protocols.includes(new URL(v).protocol);
  } catch {
    return false;
  }
};
const HTTP = ["http:", "https:"];
const optionalUrl = z.string(must("an http:// or https:// URL")).refine((v) => isUrl(v, HTTP), must("an http:// or https:// URL")).optional();
const optionalString = z.string().optional();

/** http:// is only for a development machine's own address: Apple Wallet refuses other http web services. */
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

const schema = z.object({
  NODE_ENV: oneOf(["development", "production", "test"]).default("development"),
  /** PostgreSQL URL. Unset: the embedded PostgreSQL (PGlite) under PASSFLOW_DATA_DIR. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  /** Connections per process in the Prisma pool. */
  DATABASE_POOL_SIZE: integer(1, 100, 10),
  /**
   * Milliseconds a query of the app's pool may go unanswered, and a request may wait for a pooled
   * connection, before it fails as "database unavailable" (webhooks then answer 503 + Retry-After
   * instead of hanging while the database does not answer).
   */
  DATABASE_QUERY_TIMEOUT_MS: integer(100, 600_000, 20_000, "a number of milliseconds 100-600000"),
  /** Where the embedded default keeps its database and development certificates. */
  PASSFLOW_DATA_DIR: z.string().default(DEFAULT_DATA_DIR),
  PORT: integer(1, 65535, 3000, "a port number 1-65535"),
  /**
   * App processes `npm start` runs on the port (Node's cluster module). Unset: one per core with
   * NODE_ENV=production (which `npm start` is), else 1 (server/platform/workers.ts). The start
   * script gives every process it starts the number it resolved.
   */
  PASSFLOW_WORKERS: optionalInteger(1, 256),
  /**
   * Base URL phones and Klaviyo reach Passflow at (webServiceURL, download links): https://, or
   * http://localhost / http://127.0.0.1 outside production (checked in parseEnv).
   */
  PUBLIC_URL: optionalUrl,
  LOG_LEVEL: oneOf(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Where log lines go; the CLI uses stderr so its stdout carries only results. */
  LOG_DESTINATION: oneOf(["stdout", "stderr"]).default("stdout"),
  /**
   * 32-byte key (base64 or 64 hex characters) for AES-256-GCM encryption of stored secrets.
   * Required in production; the embedded default derives a development key per data directory.
   */
  PASSFLOW_ENCRYPTION_KEY: optionalString.refine(
    (v) => v === undefined || /^[0-9a-fA-F]{64}$/.test(v) || Buffer.from(v, "base64").length === 32,
    "must be 32 bytes as base64 or 64 hex characters",
  ),
  /** Previous encryption key, still accepted for decryption during rotation. */
  PASSFLOW_ENCRYPTION_KEY_PREVIOUS: optionalString,
  /** next-auth session signing secret (required in production). */
  NEXTAUTH_SECRET: optionalString,
  NEXTAUTH_URL: optionalUrl,
  /** Console session lifetime in seconds (default 8 hours); a session is refused after it. */
  STAFF_SESSION_MAX_AGE: integer(60, 30 * 24 * 3600, 8 * 3600, "a number of seconds 60-2592000"),
  /**
   * Optional OpenID Connect sign-in for staff (all three or none). Signed-in users are matched
   * to existing staff by verified email; nobody is created.
   */
  OIDC_ISSUER: optionalUrl,
  OIDC_CLIENT_ID: optionalString,
  OIDC_CLIENT_SECRET: optionalString,
  /** Label of the OpenID Connect button on the sign-in page. */
  OIDC_DISPLAY_NAME: z.string().default("Single sign-on"),
  /** Inngest: unset means the embedded executor. */
  INNGEST_EVENT_KEY: optionalString,
  INNGEST_SIGNING_KEY: optionalString,
  INNGEST_BASE_URL: optionalUrl,
  INNGEST_DEV: optionalString,
  /** Embedded executor: function runs driven at once in this process. */
  PASSFLOW_EXECUTOR_CONCURRENCY: integer(1, 500, 16),
  /** Embedded executor: first retry delay in milliseconds (doubles per attempt, capped at 10 minutes). */
  PASSFLOW_EXECUTOR_RETRY_BASE_MS: integer(1, 600_000, 10_000, "a number of milliseconds 1-600000"),
  /** Outbound merchant sync-back: request timeout in milliseconds. */
  MERCHANT_SYNC_TIMEOUT_MS: integer(100, 120_000, 10_000, "a number of milliseconds 100-120000"),
  /** Klaviyo's REST API (events and profile properties sent back, server/klaviyo/api.ts); the local mock's URL in dev and tests. */
  KLAVIYO_API_URL: z.string(must("an http:// or https:// URL")).refine((v) => isUrl(v, HTTP), must("an http:// or https:// URL")).default("https://a.klaviyo.com"),
  /** Outbound Klaviyo API calls: request timeout in milliseconds. */
  KLAVIYO_API_TIMEOUT_MS: integer(100, 120_000, 10_000, "a number of milliseconds 100-120000"),
  /** Control URL of the local Klaviyo API mock (`npm run dev`, tests): what it received, its behaviour. */
  KLAVIYO_MOCK_CONTROL_URL: optionalUrl,
  /** Optional Redis for shared throttling across instances. */
  REDIS_URL: z.string(must("a URL such as redis://127.0.0.1:6379")).refine((v) => URL.canParse(v), must("a URL such as redis://127.0.0.1:6379")).optional(),
  /** Where listener throttling counts: memory (one instance), postgres or redis (shared). Default: redis when REDIS_URL is set, else memory. */
  THROTTLE_STORE: oneOf(["memory", "postgres", "redis"]).optional(),
  /** OAuth2 access tokens accepted by the Klaviyo listeners (JWT): issuer, audience and key. */
  OAUTH_ISSUER: optionalString,
  OAUTH_AUDIENCE: optionalString,
  /** JWKS endpoint of the issuer; or OAUTH_PUBLIC_KEY, a PEM public key (RS256/ES256). */
  OAUTH_JWKS_URL: optionalUrl,
  OAUTH_PUBLIC_KEY: optionalString,
  /** Claim naming the tenant (slug or id) a token is for. */
  OAUTH_TENANT_CLAIM: z.string().default("tenant"),
  /** Verbose SQL logs. */
  DEBUG_SQL: bool,
  /**
   * Bearer token of `GET /api/metrics` (Prometheus text format). Unset: the endpoint answers 404.
   * At least 16 visible characters (no spaces), compared in constant time.
   */
  METRICS_TOKEN: z
    .string(must("at least 16 visible characters without spaces"))
    .regex(/^[\x21-\x7e]{16,512}$/, must("at least 16 visible characters without spaces"))
    .optional(),
  /**
   * Seconds a verified listener API key is remembered in process memory (by a hash of the key),
   * saving its database lookup; 0 turns it off. A revocation takes effect at once in the
   * process that revokes it and within this many seconds in every other.
   */
  API_KEY_CACHE_SECONDS: integer(0, 300, 60, "a number of seconds 0-300"),
  /**
   * Seconds the listeners keep a tenant (its status, settings, webhook secrets) in process memory
   * after reading it, saving its lookup on every webhook; 0 reads it every time. Changes made
   * through this process apply at once, others (the CLI, other instances) within this time.
   */
  TENANT_CACHE_SECONDS: integer(0, 60, 5, "a number of seconds 0-60"),
  /**
   * Apple Wallet: generate a self-signed development signing chain for a pass type that has no
   * imported certificate (passes then build but no real device installs them). Default: on,
   * except with NODE_ENV=production.
   */
  PASSFLOW_DEV_CERTIFICATES: optionalBool,
  /** APNs host and port. Default: Apple's production APNs, the one Wallet passes use. */
  APNS_HOST: optionalString,
  APNS_PORT: integer(1, 65535, 443, "a port number 1-65535"),
  /** PEM file of an extra CA the APNs host is trusted with (the local APNs mock's certificate). */
  APNS_CA_FILE: optionalString,
  /** Seconds an unused APNs connection stays open before it is closed. */
  APNS_IDLE_TIMEOUT_SECONDS: integer(1, 86_400, 60, "a number of seconds 1-86400"),
  /** Control URL of the local APNs mock (`npm run dev`, tests): what it received, its behaviour. */
  APNS_MOCK_CONTROL_URL: optionalUrl,
  /** Google Wallet API base (paths such as `/loyaltyClass`, `/loyaltyObject/{id}` below it). */
  GOOGLE_WALLET_API_URL: z.string().refine((v) => isUrl(v, HTTP), must("an http:// or https:// URL")).default("https://walletobjects.googleapis.com/walletobjects/v1"),
  /** Google's OAuth 2.0 token endpoint (service-account JWT bearer grant). */
  GOOGLE_OAUTH_TOKEN_URL: z.string().refine((v) => isUrl(v, HTTP), must("an http:// or https:// URL")).default("https://oauth2.googleapis.com/token"),
  /** Google's root signing keys of the save/delete callbacks (ECv2SigningOnly), cached. */
  GOOGLE_WALLET_ROOT_KEYS_URL: z.string().refine((v) => isUrl(v, HTTP), must("an http:// or https:// URL")).default("https://pay.google.com/gp/m/issuer/keys"),
  /** Control URL of the local Google Wallet API mock (`npm run dev`, tests). */
  GOOGLE_WALLET_MOCK_CONTROL_URL: optionalUrl,
});

export type Env = z.infer<typeof schema>;

/** Raised for invalid configuration; `message` is one line naming the variable(s). */
export class EnvError extends Error {
  override name = "EnvError";
}

/** `source` without its empty values: `PORT=` (or only spaces) means unset, so the default applies. */
function withoutEmpty(source: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) if (value !== undefined && value.trim() !== "") out[key] = value;
  return out;
}

/**
 * Why PUBLIC_URL cannot be the base of a pass's webServiceURL, if it cannot: Apple Wallet only
 * calls an https:// web service, so production needs one; a development machine may use
 * http://localhost or http://127.0.0.1 (the simulator, the tests).
 */
function publicUrlProblem(url: string, production: boolean): string | undefined {
  const { protocol, hostname } = new URL(url);
  if (protocol === "https:") return undefined;
  if (production) return "PUBLIC_URL: must be an https:// URL when NODE_ENV=production (Apple Wallet refuses an http:// webServiceURL)";
  if (!LOOPBACK_HOSTS.has(hostname)) return "PUBLIC_URL: must be an https:// URL (http:// only for localhost or 127.0.0.1 in development)";
  return undefined;
}

/** Parses `source` (default `process.env`); throws EnvError naming every invalid variable. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = schema.safeParse(withoutEmpty(source));
  if (!result.success) {
    const problems = new Map<string, string>(); // one message per variable
    for (const i of result.error.issues) {
      const name = i.path.join(".");
      if (!problems.has(name)) problems.set(name, `${name}: ${i.message}`);
    }
    throw new EnvError(`invalid configuration: ${[...problems.values()].join("; ")}`);
  }
  const env = result.data;
  const oidc = [env.OIDC_ISSUER, env.OIDC_CLIENT_ID, env.OIDC_CLIENT_SECRET].filter(Boolean).length;
  if (oidc !== 0 && oidc !== 3) {
    throw new EnvError("invalid configuration: OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set together");
  }
  if (env.THROTTLE_STORE === "redis" && !env.REDIS_URL) throw new EnvError("invalid configuration: REDIS_URL: required when THROTTLE_STORE=redis");
  if (env.OAUTH_ISSUER && !env.OAUTH_JWKS_URL && !env.OAUTH_PUBLIC_KEY) {
    throw new EnvError("invalid configuration: OAUTH_JWKS_URL or OAUTH_PUBLIC_KEY: required when OAUTH_ISSUER is set");
  }
  // `next build` runs with NODE_ENV=production but serves nothing: the deployment's values come at start
  const production = env.NODE_ENV === "production" && process.env.NEXT_PHASE !== "phase-production-build";
  if (production) {
    const missing = (["PASSFLOW_ENCRYPTION_KEY", "NEXTAUTH_SECRET", "PUBLIC_URL"] as const).filter((k) => !env[k]);
    if (missing.length) throw new EnvError(`invalid configuration: ${missing.join(", ")} required when NODE_ENV=production`);
  }
  const publicUrl = env.PUBLIC_URL && publicUrlProblem(env.PUBLIC_URL, production);
  if (publicUrl) throw new EnvError(`invalid configuration: ${publicUrl}`);
  return env;
}

/** The validated configuration of this process. */
export const env: Env = parseEnv();
