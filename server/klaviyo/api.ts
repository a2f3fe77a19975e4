/**
 * A client for the two Klaviyo REST API calls Passflow makes with a tenant's private API key
 * (Klaviyo API reference, revision `KLAVIYO_REVISION`):
 *
 *   POST /api/events          Create Event (scope events:write; 350/s burst, 3,500/min steady) → 202
 *   POST /api/profile-import  Create or Update Profile (scope profiles:write; 75/s, 700/min) → 200 | 201
 *
 * Every request carries `Authorization: Klaviyo-API-Key <key>`, `revision`, and JSON:API
 * `accept`/`content-type: application/vnd.api+json`; errors come back as JSON:API
 * `{ errors: [{ id, status, code, title, detail, source }] }`. The base URL is KLAVIYO_API_URL
 * (default https://a.klaviyo.com; the local mock in dev and tests: server/tooling/mocks/klaviyo.ts).
 *
 * How answers map to task errors (server/platform/errors.ts), so the durable functions retry
 * exactly what Klaviyo says can be retried:
 * - 429 → RetriableTaskError `klaviyo_throttled` with its Retry-After (Inngest RetryAfterError);
 * - 408, 5xx, network errors, timeouts → RetriableTaskError `klaviyo_unavailable` (back-off);
 * - 401/403 → FinalTaskError `klaviyo_key_rejected` (a wrong or revoked key, a missing scope:
 *   fix the key, then replay the task);
 * - any other 4xx → FinalTaskError `klaviyo_rejected` with Klaviyo's error code and detail.
 *
 * Why plain fetch and not the official `klaviyo-api` package: it is axios-based and its
 * ApiKeySession retries 429 and 5xx itself with exponential back-off inside one call, which
 * would hide Klaviyo's Retry-After from the durable retries (and hold a function run open while
 * sleeping); its base path is fixed to a.klaviyo.com per generated API class, while tests and dev
 * must reach the local mock; and it would be a new dependency for two POSTs.
 */
import { env } from "@/server/platform/env";
import { FinalTaskError, RetriableTaskError } from "@/server/platform/errors";
import { retryAfterSeconds } from "@/server/platform/http/retry-after";

/** The API revision Passflow is written against (Klaviyo's `revision` header, YYYY-MM-DD). */
export const KLAVIYO_REVISION = "2026-10-15";

/** How a profile is identified: Klaviyo's profile id, or any of its identifier attributes. */
export interface KlaviyoProfileIdentity {
  id?: string;
  email?: string;
  phone_number?: string;
  external_id?: string;
}

/** One event: its metric (by name), when it happened, and its properties. */
export interface KlaviyoEvent {
  metric: string;
  profile: KlaviyoProfileIdentity;
  properties: Record<string, unknown>;
  /** ISO 8601. */
  time: string;
  /** Klaviyo's idempotency key: a second event with the same unique_id is dropped. */
  uniqueId: string;
  value?: number;
}

/** One error of a JSON:API error body. */
export interface KlaviyoApiError {
  id?: string;
  status?: number;
  code?: string;
  title?: string;
  detail?: string;
  source?: { pointer?: string; parameter?: string };
}

const JSON_API = "application/vnd.api+json";

function describeErrors(errors: KlaviyoApiError[], status: number): string {
  const first = errors[0];
  if (!first) return `HTTP ${status}`;
  const pointer = first.source?.pointer ?? first.source?.parameter;
  const where = pointer && pointer !== "/data/" ? pointer : undefined; // "/data/" names no field
  return `HTTP ${status} ${first.code ?? ""}: ${first.detail ?? first.title ?? ""}${where ? ` (${where})` : ""}`.replace(/\s+:/, ":");
}

/** What Klaviyo answered. */
export interface KlaviyoAnswer {
  status: number;
  body: unknown;
}

/**
 * POSTs a JSON:API document to `path` with the key. Resolves with a 2xx answer.
 * @throws RetriableTaskError klaviyo_throttled (429, retryAfterSeconds), klaviyo_unavailable;
 *   FinalTaskError klaviyo_key_rejected (401/403), klaviyo_rejected (other 4xx)
 */
export async function klaviyoPost(apiKey: string, path: string, document: unknown): Promise<KlaviyoAnswer> {
  let res: Response;
  let text: string;
  try {
    res = await fetch(new URL(path, env.KLAVIYO_API_URL), {
      method: "POST",
      headers: {
        authorization: `Klaviyo-API-Key ${apiKey}`,
        revision: KLAVIYO_REVISION,
        accept: JSON_API,
        "content-type": JSON_API,
        "user-agent": "Passflow/1",
      },
      body: JSON.stringify(document),
      signal: AbortSignal.timeout(env.KLAVIYO_API_TIMEOUT_MS),
      redirect: "manual",
    });
    text = await res.text();
  } catch (err) {
    throw new RetriableTaskError("klaviyo_unavailable", `Klaviyo API unreachable: ${(err as Error).message}`);
  }
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (res.status >= 200 && res.status < 300) return { status: res.status, body };
  const errors = Array.isArray((body as { errors?: unknown } | null)?.errors) ? ((body as { errors: KlaviyoApiError[] }).errors) : [];
  const detail = describeErrors(errors, res.status);
  if (res.status === 429) throw new RetriableTaskError("klaviyo_throttled", `Klaviyo throttled the request: ${detail}`, retryAfterSeconds(res.headers.get("retry-after")) ?? 1);
  if (res.status === 408 || res.status >= 500) throw new RetriableTaskError("klaviyo_unavailable", `Klaviyo API answered ${detail}`, retryAfterSeconds(res.headers.get("retry-after")));
  if (res.status === 401 || res.status === 403) throw new FinalTaskError("klaviyo_key_rejected", `Klaviyo refused the tenant's private API key (${detail}); set a key with scopes profiles:write and events:write, then replay`);
  throw new FinalTaskError("klaviyo_rejected", `Klaviyo refused the request: ${detail}`);
}

/** Klaviyo's profile object of a JSON:API document (identifiers, plus `properties` when given). */
function profileData(profile: KlaviyoProfileIdentity, properties?: Record<string, unknown>) {
  const { id, ...attributes } = profile;
  return { type: "profile", ...(id ? { id } : {}), attributes: { ...attributes, ...(properties ? { properties } : {}) } };
}

/** The Create Event document of `event`. */
export function eventDocument(event: KlaviyoEvent) {
  return {
    data: {
      type: "event",
      attributes: {
        properties: event.properties,
        time: event.time,
        ...(event.value === undefined ? {} : { value: event.value }),
        unique_id: event.uniqueId,
        metric: { data: { type: "metric", attributes: { name: event.metric } } },
        profile: { data: profileData(event.profile) },
      },
    },
  };
}

/**
 * Creates an event (Create Event: 202, empty body). A retry with the same `uniqueId` is dropped
 * by Klaviyo, so sending again after a lost answer counts once.
 * @throws as klaviyoPost
 */
export async function createKlaviyoEvent(apiKey: string, event: KlaviyoEvent): Promise<{ status: number }> {
  const { status } = await klaviyoPost(apiKey, "/api/events", eventDocument(event));
  return { status };
}

/**
 * Creates or updates a profile with custom `properties` (Create or Update Profile: 201 created,
 * 200 updated). Resolves with the status and Klaviyo's profile id.
 * @throws as klaviyoPost
 */
export async function importKlaviyoProfile(apiKey: string, profile: KlaviyoProfileIdentity, properties: Record<string, unknown>): Promise<{ status: number; profileId: string | null }> {
  const { status, body } = await klaviyoPost(apiKey, "/api/profile-import", { data: profileData(profile, properties) });
  const profileId = (body as { data?: { id?: unknown } } | null)?.data?.id;
  return { status, profileId: typeof profileId === "string" ? profileId : null };
}

/** The outcome of `testKlaviyoKey`. */
export type KlaviyoKeyCheck = { ok: true } | { ok: false; reason: string };

/**
 * Proves a private key without writing anything: each of the two endpoints is sent a document
 * without identifiers, which Klaviyo checks only after the key and its scope. 400 means the key
 * is valid and has the endpoint's scope; 401 an unknown key; 403 a missing scope.
 */
export async function testKlaviyoKey(apiKey: string): Promise<KlaviyoKeyCheck> {
  const probes: [path: string, scope: string, document: unknown][] = [
    ["/api/profile-import", "profiles:write", { data: { type: "profile", attributes: {} } }],
    ["/api/events", "events:write", { data: { type: "event", attributes: {} } }],
  ];
  for (const [path, scope, document] of probes) {
    try {
      await klaviyoPost(apiKey, path, document);
      return { ok: false, reason: `Klaviyo accepted an empty ${path} document: is KLAVIYO_API_URL Klaviyo's API?` };
    } catch (err) {
      if (err instanceof FinalTaskError && err.code === "klaviyo_rejected") continue; // validated past the key: this scope is fine
      if (err instanceof FinalTaskError && /HTTP 403/.test(err.message)) return { ok: false, reason: `the key lacks scope ${scope} (Klaviyo answered 403)` };
      if (err instanceof FinalTaskError) return { ok: false, reason: "Klaviyo does not know this private API key (401)" };
      return { ok: false, reason: (err as Error).message };
    }
  }
  return { ok: true };
}
