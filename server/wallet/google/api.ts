/**
 * The Google Wallet API client (REST, https://developers.google.com/wallet/reference/rest):
 * `insert` (POST `{base}/{resource}`), `get` and `patch` (`{base}/{resource}/{id}`), where a
 * resource is `loyaltyClass`, `loyaltyObject`, `offerClass`, `offerObject`, `genericClass` or
 * `genericObject`, and the base is GOOGLE_WALLET_API_URL.
 *
 * Authentication: an OAuth 2.0 access token from the service account key (RFC 7523 JWT bearer
 * grant at GOOGLE_OAUTH_TOKEN_URL: an RS256 assertion with `iss` the service account email,
 * `scope` wallet_object.issuer, `aud` the token URL, valid one hour), kept until a minute before
 * it expires.
 *
 * Errors come as Google's `{ error: { code, message, status, errors: [{ reason, message }] } }`
 * and are thrown as GoogleApiError (status, reason). 429 and 5xx (and network failures) are
 * retried here with exponential back-off (honouring Retry-After), `maxAttempts` in all; what still
 * fails is thrown with `retryable` set, so the caller's durable function retries later.
 */
import { SignJWT, importPKCS8 } from "jose";
import { createPrivateKey } from "node:crypto";
import { env } from "@/server/platform/env";
import type { GoogleServiceAccount } from "@/server/tenants/tenants";

/** A REST resource of the Google Wallet API Passflow writes. */
export type GoogleResource = "loyaltyClass" | "loyaltyObject" | "offerClass" | "offerObject" | "genericClass" | "genericObject";

/** Scope of the Google Wallet API (https://developers.google.com/wallet/generic/web/prerequisites). */
export const WALLET_SCOPE = "https://www.googleapis.com/auth/wallet_object.issuer";

/** A failed call: the HTTP status (0: no answer), Google's first `errors[].reason` and message. */
export class GoogleApiError extends Error {
  override name = "GoogleApiError";
  constructor(
    readonly status: number,
    readonly reason: string | null,
    message: string,
    /** 429, 5xx or no answer: worth trying again later. */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export interface GoogleWalletClient {
  get(resource: GoogleResource, id: string): Promise<Record<string, unknown>>;
  insert(resource: GoogleResource, body: Record<string, unknown>): Promise<Record<string, unknown>>;
  patch(resource: GoogleResource, id: string, body: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export interface ClientOptions {
  apiUrl?: string;
  tokenUrl?: string;
  /** Attempts per call on 429/5xx/network failure (default 3). */
  maxAttempts?: number;
  /** First back-off in ms (doubles per attempt; default 500). */
  baseDelayMs?: number;
}

const tokens = new Map<string, { token: string; expiresAt: number }>();

/** Signs the RS256 JWT assertion of the service account for `aud` (the token URL). */
export async function serviceAccountAssertion(account: GoogleServiceAccount, tokenUrl: string, now = Date.now()): Promise<string> {
  const key = await importPKCS8(pkcs8(account.private_key), "RS256");
  const iat = Math.floor(now / 1000);
  return new SignJWT({ scope: WALLET_SCOPE })
    .setProtectedHeader({ alg: "RS256", typ: "JWT", ...(account.private_key_id ? { kid: account.private_key_id } : {}) })
    .setIssuer(account.client_email)
    .setAudience(tokenUrl)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 3600)
    .sign(key);
}

/** The key as PKCS#8 PEM (Google's key files are PKCS#8; a PKCS#1 key is converted). */
export function pkcs8(pem: string): string {
  return createPrivateKey(pem).export({ type: "pkcs8", format: "pem" }).toString();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function retryAfterMs(res: Response): number | undefined {
  const v = res.headers.get("retry-after");
  if (!v) return undefined;
  const s = Number(v);
  return Number.isFinite(s) ? Math.min(s * 1000, 30_000) : undefined;
}

async function errorOf(res: Response): Promise<GoogleApiError> {
  let reason: string | null = null;
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { error?: { message?: string; status?: string; errors?: { reason?: string }[] } | string; error_description?: string };
    if (typeof body.error === "object" && body.error) {
      reason = body.error.errors?.[0]?.reason ?? body.error.status ?? null;
      message = `${res.status} ${body.error.message ?? message}`;
    } else if (typeof body.error === "string") {
      reason = body.error; // OAuth: { error: "invalid_grant", error_description }
      message = `${res.status} ${body.error}${body.error_description ? `: ${body.error_description}` : ""}`;
    }
  } catch {
    // not JSON
  }
  return new GoogleApiError(res.status, reason, message, res.status === 429 || res.status >= 500);
}

/** A client calling the Google Wallet API as `account`. */
export function googleWalletClient(account: GoogleServiceAccount, opts: ClientOptions = {}): GoogleWalletClient {
  const apiUrl = (opts.apiUrl ?? env.GOOGLE_WALLET_API_URL).replace(/\/+$/, "");
  const tokenUrl = opts.tokenUrl ?? env.GOOGLE_OAUTH_TOKEN_URL;
  const maxAttempts = opts.maxAttempts ?? 3;
  const baseDelayMs = opts.baseDelayMs ?? 500;

  /** Runs `call` until it answers other than 429/5xx, or attempts run out. */
  async function withRetries(call: () => Promise<Response>): Promise<Response> {
    let last: GoogleApiError | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      let res: Response;
      try {
        res = await call();
      } catch (err) {
        last = new GoogleApiError(0, null, `no answer: ${(err as Error).message}`, true);
        if (attempt < maxAttempts) await sleep(baseDelayMs * 2 ** (attempt - 1));
        continue;
      }
      if (res.status !== 429 && res.status < 500) return res;
      last = await errorOf(res);
      if (attempt < maxAttempts) await sleep(retryAfterMs(res) ?? baseDelayMs * 2 ** (attempt - 1));
    }
    throw last!;
  }

  async function accessToken(): Promise<string> {
    const cacheKey = `${tokenUrl}\n${account.client_email}\n${account.private_key_id ?? ""}`;
    const cached = tokens.get(cacheKey);
    if (cached && cached.expiresAt > Date.now() + 60_000) return cached.token;
    const assertion = await serviceAccountAssertion(account, tokenUrl);
    const res = await withRetries(() =>
      fetch(tokenUrl, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }),
      }),
    );
    if (!res.ok) throw await errorOf(res);
    const body = (await res.json()) as { access_token: string; expires_in?: number };
    tokens.set(cacheKey, { token: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 3600) * 1000 });
    return body.access_token;
  }

  async function call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const token = await accessToken();
    const res = await withRetries(() =>
      fetch(`${apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    if (!res.ok) throw await errorOf(res);
    return (await res.json()) as Record<string, unknown>;
  }

  return {
    get: (resource, id) => call("GET", `/${resource}/${encodeURIComponent(id)}`),
    insert: (resource, body) => call("POST", `/${resource}`, body),
    patch: (resource, id, body) => call("PATCH", `/${resource}/${encodeURIComponent(id)}`, body),
  };
}
