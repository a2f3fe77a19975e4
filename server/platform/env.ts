/**
 * Configuration, validated once at start-up with zod. A wrong or missing value throws an
 * `EnvError` whose message names the variable; entry points print that one line and exit 1.
 * Every variable is documented in `.env.example`.
 */
import { z } from "zod";
import { DEFAULT_DATA_DIR } from "./data-dir-default";

const bool = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((v) => v === "true" || v === "1");

const optionalUrl = z.preprocess((v) => (v === "" ? undefined : v), z.url().optional());
const optionalString = z.preprocess((v) => (v === "" ? undefined : v), z.string().optional());

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** PostgreSQL URL. Unset: the embedded PostgreSQL (PGlite) under PASSFLOW_DATA_DIR. */
  DATABASE_URL: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
      .optional(),
  ),
  /** Connections per process in the Prisma pool. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /**
   * Milliseconds a query of the app's pool may go unanswered, and a request may wait for a pooled
   * connection, before it fails as "database unavailable" (webhooks then answer 503 + Retry-After
   * instead of hanging while the database does not answer).
   */
  DATABASE_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(20_000),
  /** Where the embedded default keeps its database and development certificates. */
  PASSFLOW_DATA_DIR: z.string().min(1).default(DEFAULT_DATA_DIR),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Base URL phones and Klaviyo reach Passflow at (webServiceURL, download links). */
  PUBLIC_URL: optionalUrl,
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Where log lines go; the CLI uses stderr so its stdout carries only results. */
  LOG_DESTINATION: z.enum(["stdout", "stderr"]).default("stdout"),
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
  STAFF_SESSION_MAX_AGE: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().min(60).max(30 * 24 * 3600).default(8 * 3600)),
  /**
   * Optional OpenID Connect sign-in for staff (all three or none). Signed-in users are matched
   * to existing staff by verified email; nobody is created.
   */
  OIDC_ISSUER: optionalUrl,
  OIDC_CLIENT_ID: optionalString,
  OIDC_CLIENT_SECRET: optionalString,
  /** Label of the OpenID Connect button on the sign-in page. */
  OIDC_DISPLAY_NAME: z.preprocess((v) => (v === "" ? undefined : v), z.string().min(1).default("Single sign-on")),
  /** Inngest: unset means the embedded executor. */
  INNGEST_EVENT_KEY: optionalString,
  INNGEST_SIGNING_KEY: optionalString,
  INNGEST_BASE_URL: optionalUrl,
  INNGEST_DEV: optionalString,
  /** Embedded executor: function runs driven at once in this process. */
  PASSFLOW_EXECUTOR_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(16),
  /** Embedded executor: first retry delay in milliseconds (doubles per attempt, capped at 10 minutes). */
  PASSFLOW_EXECUTOR_RETRY_BASE_MS: z.coerce.number().int().min(1).max(600_000).default(10_000),
  /** Outbound merchant sync-back: request timeout in milliseconds. */
  MERCHANT_SYNC_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Optional Redis for shared throttling across instances. */
  REDIS_URL: optionalUrl,
  /** Where listener throttling counts: memory (one instance), postgres or redis (shared). Default: redis when REDIS_URL is set, else memory. */
  THROTTLE_STORE: z.preprocess((v) => (v === "" ? undefined : v), z.enum(["memory", "postgres", "redis"]).optional()),
  /** OAuth2 access tokens accepted by the Klaviyo listeners (JWT): issuer, audience and key. */
  OAUTH_ISSUER: optionalString,
  OAUTH_AUDIENCE: optionalString,
  /** JWKS endpoint of the issuer; or OAUTH_PUBLIC_KEY, a PEM public key (RS256/ES256). */
  OAUTH_JWKS_URL: optionalUrl,
  OAUTH_PUBLIC_KEY: optionalString,
  /** Claim naming the tenant (slug or id) a token is for. */
  OAUTH_TENANT_CLAIM: z.string().min(1).default("tenant"),
  /** Verbose SQL logs. */
  DEBUG_SQL: bool,
  /**
   * Apple Wallet: generate a self-signed development signing chain for a pass type that has no
   * imported certificate (passes then build but no real device installs them). Default: on,
   * except with NODE_ENV=production.
   */
  PASSFLOW_DEV_CERTIFICATES: z.enum(["true", "false", "1", "0"]).optional().transform((v) => (v === undefined ? undefined : v === "true" || v === "1")),
  /** APNs host and port. Default: Apple's production APNs, the one Wallet passes use. */
  APNS_HOST: optionalString,
  APNS_PORT: z.coerce.number().int().min(1).max(65535).default(443),
  /** PEM file of an extra CA the APNs host is trusted with (the local APNs mock's certificate). */
  APNS_CA_FILE: optionalString,
  /** Seconds an unused APNs connection stays open before it is closed. */
  APNS_IDLE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** Control URL of the local APNs mock (`npm run dev`, tests): what it received, its behaviour. */
  APNS_MOCK_CONTROL_URL: optionalUrl,
});

export type Env = z.infer<typeof schema>;

/** Raised for invalid configuration; `message` is one line naming the variable(s). */
export class EnvError extends Error {
  override name = "EnvError";
}

/** Parses `source` (default `process.env`); throws EnvError naming every invalid variable. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new EnvError(`invalid configuration: ${problems.join("; ")}`);
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
  if (env.NODE_ENV === "production" && process.env.NEXT_PHASE !== "phase-production-build") {
    const missing = (["PASSFLOW_ENCRYPTION_KEY", "NEXTAUTH_SECRET"] as const).filter((k) => !env[k]);
    if (missing.length) throw new EnvError(`invalid configuration: ${missing.join(", ")} required when NODE_ENV=production`);
  }
  return env;
}

/** The validated configuration of this process. */
export const env: Env = parseEnv();
