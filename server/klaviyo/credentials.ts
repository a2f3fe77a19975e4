/**
 * Credentials of the Klaviyo listeners (scope `KlaviyoListener.Write`) and of the merchant API
 * (`Passes.Write`: server/klaviyo/customers-api.ts, passes-api.ts).
 *
 * Klaviyo flow webhooks are not signed: the merchant pastes a credential into the flow action's
 * headers, as `Authorization: Bearer <token>` or `X-API-KEY: <key>`. The token is a tenant API
 * key (`pf_…`, checked against its stored SHA-256 hash in constant time, then remembered for a
 * minute by that hash: server/tenants/api-keys.ts `verifiedApiKeys`) or an OAuth2 JWT access
 * token from the configured issuer (signature via JWKS or a configured key, `iss`, `aud`, `exp`,
 * the tenant claim, and the scope in `scope` or `scp`). System webhooks are authenticated by
 * their HMAC signature instead (server/klaviyo/signature.ts).
 */
import type { Tenant } from "@prisma/client";
import { createPublicKey } from "node:crypto";
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type KeyObject, errors as joseErrors } from "jose";
import { db } from "../db/client";
import { env } from "@/server/platform/env";
import { hashToken, safeEqual } from "@/server/platform/crypto";
import { logger } from "@/server/platform/log";
import { HttpProblem } from "@/server/platform/http/problem";
import { findApiKeyByPrefix } from "./store";
import { API_KEY_PATTERN, KLAVIYO_LISTENER_SCOPE, verifiedApiKeys, type VerifiedApiKey } from "../tenants/api-keys";

/** Who sent a request: the throttling key and a label for logs and receipts. */
export interface Principal {
  kind: "api_key" | "jwt" | "signature";
  /** Stable id for per-credential throttling (`key:<id>`, `jwt:<client>`, `sig:<tenant>`). */
  id: string;
  label: string;
}

const unauthorized = (detail: string) =>
  new HttpProblem({ status: 401, detail, headers: { "www-authenticate": 'Bearer realm="passflow"' } });
const forbidden = (detail: string) => new HttpProblem({ status: 403, detail });

/** The bearer credential of a request, from `Authorization: Bearer` or `X-API-KEY`. */
export function bearerCredential(headers: Headers): string | undefined {
  const auth = headers.get("authorization");
  if (auth) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (match) return match[1];
  }
  return headers.get("x-api-key")?.trim() || undefined;
}

const LAST_USED_WRITE_INTERVAL_MS = 60_000;
const lastUsedWrites = new Map<string, number>();

/** Records key use at most once a minute per key and process (never on the request's critical path). */
function touchApiKey(id: string, lastUsedAt: Date | null) {
  const now = Date.now();
  const last = Math.max(lastUsedAt?.getTime() ?? 0, lastUsedWrites.get(id) ?? 0);
  if (now - last < LAST_USED_WRITE_INTERVAL_MS) return;
  lastUsedWrites.set(id, now);
  db()
    .apiKey.update({ where: { id }, data: { lastUsedAt: new Date(now) } })
    .catch((err: unknown) => logger.warn({ err: (err as Error).message }, "could not record API key use"));
}

/** The key whose SHA-256 is `hash`, from the verified keys or checked against its stored hash. @throws HttpProblem 401 */
async function verifyApiKey(prefix: string, hash: string): Promise<VerifiedApiKey> {
  const known = verifiedApiKeys().get(hash); // an entry exists only for a key that hashed to a stored hash
  if (known) return known;
  const row = await findApiKeyByPrefix(prefix);
  // compare even when the prefix is unknown, so timing does not tell which part was wrong
  const matches = safeEqual(hash, row?.hash ?? "0".repeat(64));
  if (!row || !matches || row.revokedAt) throw unauthorized("invalid or revoked API key");
  const verified = { id: row.id, tenantId: row.tenantId, scopes: row.scopes, lastUsedAt: row.lastUsedAt };
  verifiedApiKeys().set(hash, verified);
  return verified;
}

async function authenticateApiKey(key: string, tenant: Tenant, scope: string): Promise<Principal> {
  const prefix = API_KEY_PATTERN.exec(key)?.[1];
  if (!prefix) throw unauthorized("invalid API key");
  const row = await verifyApiKey(prefix, hashToken(key));
  if (row.tenantId !== tenant.id) throw forbidden("this API key belongs to another tenant");
  if (!row.scopes.includes(scope)) throw forbidden(`the API key lacks scope ${scope}`);
  touchApiKey(row.id, row.lastUsedAt);
  return { kind: "api_key", id: `key:${row.id}`, label: prefix };
}

let keyResolver: JWTVerifyGetKey | KeyObject | CryptoKey | undefined;

async function jwtKey(): Promise<JWTVerifyGetKey | KeyObject | CryptoKey> {
  if (keyResolver) return keyResolver;
  if (env.OAUTH_JWKS_URL) keyResolver = createRemoteJWKSet(new URL(env.OAUTH_JWKS_URL));
  else keyResolver = createPublicKey(env.OAUTH_PUBLIC_KEY!.replace(/\\n/g, "\n")); // the algorithm comes from the token header, checked against the key type
  return keyResolver;
}

function scopesOf(payload: JWTPayload): string[] {
  const raw = payload.scope ?? payload.scp;
  if (typeof raw === "string") return raw.split(/\s+/).filter(Boolean);
  if (Array.isArray(raw)) return raw.map(String);
  return [];
}

async function authenticateJwt(token: string, tenant: Tenant, scope: string): Promise<Principal> {
  if (!env.OAUTH_ISSUER) throw unauthorized("access tokens are not accepted: no OAuth issuer is configured");
  let payload: JWTPayload;
  try {
    const key = await jwtKey();
    const options = { issuer: env.OAUTH_ISSUER, audience: env.OAUTH_AUDIENCE, algorithms: ["RS256", "ES256", "PS256", "EdDSA"], requiredClaims: ["exp"] };
    ({ payload } =
      typeof key === "function" ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options));
  } catch (err) {
    const reason = err instanceof joseErrors.JWTExpired ? "the access token has expired" : err instanceof joseErrors.JWTClaimValidationFailed ? `access token claim ${err.claim} is invalid` : "invalid access token";
    throw unauthorized(reason);
  }
  const claimed = payload[env.OAUTH_TENANT_CLAIM];
  if (claimed !== tenant.slug && claimed !== tenant.id) throw forbidden("the access token is for another tenant");
  if (!scopesOf(payload).includes(scope)) throw forbidden(`the access token lacks scope ${scope}`);
  const client = String(payload.client_id ?? payload.azp ?? payload.sub ?? "unknown");
  return { kind: "jwt", id: `jwt:${client}`, label: `jwt:${client}` };
}

/**
 * Authenticates a flow-webhook request (or, with `scope`, a merchant API request) for `tenant`:
 * the credential must carry `scope` (default `KlaviyoListener.Write`).
 * @throws HttpProblem 401 (missing/invalid/revoked/expired credential), 403 (another tenant's, wrong scope)
 */
export async function authenticateBearer(headers: Headers, tenant: Tenant, scope: string = KLAVIYO_LISTENER_SCOPE): Promise<Principal> {
  const token = bearerCredential(headers);
  if (!token) throw unauthorized("send an API key as `Authorization: Bearer <key>` or `X-API-KEY`, or a signed system webhook");
  if (token.startsWith("pf_")) return authenticateApiKey(token, tenant, scope);
  if (token.split(".").length === 3) return authenticateJwt(token, tenant, scope);
  throw unauthorized("invalid credential");
}
