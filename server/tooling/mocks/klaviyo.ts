/**
 * A local Klaviyo REST API for development and tests, plain HTTP on loopback, answering the two
 * calls Passflow makes (server/klaviyo/api.ts) as Klaviyo documents them:
 *
 *   POST /api/events          Create Event → 202 (empty body); an event whose unique_id was
 *                             accepted before is accepted again but not counted (`duplicate`)
 *   POST /api/profile-import  Create or Update Profile → 201 (created) | 200 (updated) with
 *                             `{ data: { type: "profile", id, attributes } }`; properties merge
 *
 * Checks, in Klaviyo's order: `Authorization: Klaviyo-API-Key <key>` names a configured key (401
 * `not_authenticated` otherwise) → a `revision` header (400 `invalid`) → the key has the
 * endpoint's scope (403 `permission_denied`) → a failure it was told to answer → the JSON:API
 * body shape (400 `invalid` with `source.pointer`). Errors are JSON:API
 * `{ errors: [{ id, status, code, title, detail, source }] }`; a 429 carries `Retry-After`.
 *
 * Control API (another port, loopback; `klaviyoMockControl(url)`):
 *   GET    /received?path=&key=&after=<seq>  { requests: ReceivedKlaviyoRequest[] } (every request, in
 *                                        order; `key`: those made with a key ending in these characters)
 *   GET    /profiles                     { profiles: MockProfile[] } (the profiles as imported)
 *   PUT    /keys                         { key, scopes? } add or replace a valid key (default: both scopes)
 *   DELETE /keys?key=                    forget a key (its requests then answer 401)
 *   PUT    /behaviour                    { status, count, retryAfterSeconds?, path?, key? }: answer the
 *                                        next `count` authenticated requests (of `path`, made with
 *                                        `key`) with `status`
 *   DELETE /received                     forget requests, profiles and pending failures
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";

export const KLAVIYO_SCOPES = ["events:write", "profiles:write"] as const;

/** The private key `npm run dev`'s mock accepts (the dev banner prints it). */
export const DEV_KLAVIYO_API_KEY = "pk_passflow_dev_mock_key";

export interface ReceivedKlaviyoRequest {
  seq: number;
  at: string;
  method: string;
  path: string;
  /** The key's last 8 characters (the key itself is not kept). */
  keySuffix: string | null;
  revision: string | null;
  contentType: string | null;
  /** The body parsed as JSON (undefined when it is not JSON). */
  body: unknown;
  status: number;
  /** Create Event: the metric name and unique_id, and whether that unique_id was accepted before. */
  metric?: string;
  uniqueId?: string;
  duplicate?: boolean;
}

export interface MockProfile {
  id: string;
  email?: string;
  phone_number?: string;
  external_id?: string;
  properties: Record<string, unknown>;
}

/** Which received requests to list: of one path, made with a key ending in `key`, after seq `after`. */
export interface ReceivedFilter {
  path?: string;
  key?: string;
  after?: number;
}

export interface KlaviyoMockBehaviour {
  status: number;
  count: number;
  retryAfterSeconds?: number;
  /** Only requests to this path (`/api/events`, `/api/profile-import`); all when absent. */
  path?: string;
  /** Only requests made with this key; all when absent. */
  key?: string;
}

export interface KlaviyoMock {
  /** The API base URL (KLAVIYO_API_URL). */
  url: string;
  controlUrl: string;
  received(filter?: ReceivedFilter): ReceivedKlaviyoRequest[];
  profiles(): MockProfile[];
  addKey(key: string, scopes?: readonly string[]): void;
  removeKey(key: string): void;
  behave(behaviour: KlaviyoMockBehaviour): void;
  reset(): void;
  close(): Promise<void>;
}

const MAX_RECORDS = 100_000;
const MAX_BODY = 1024 * 1024;
const SCOPE_OF: Record<string, string> = { "/api/events": "events:write", "/api/profile-import": "profiles:write" };
const IDENTIFIERS = ["email", "phone_number", "external_id"] as const;

type ApiError = { status: number; code: string; title: string; detail: string; pointer?: string };

function errorBody(e: ApiError) {
  return { errors: [{ id: randomUUID(), status: e.status, code: e.code, title: e.title, detail: e.detail, source: { pointer: e.pointer ?? "/data/" } }] };
}

const invalid = (detail: string, pointer: string): ApiError => ({ status: 400, code: "invalid", title: "Invalid input.", detail, pointer });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Checks a profile resource object (`pointer`: where it sits); resolves to its identifiers. */
function checkProfile(data: unknown, pointer: string): ApiError | { id?: string; attributes: Record<string, unknown> } {
  if (!isObject(data) || data.type !== "profile") return invalid("'type' must be 'profile'", `${pointer}/type`);
  const attributes = data.attributes;
  if (!isObject(attributes)) return invalid("'attributes' is required", `${pointer}/attributes`);
  if (data.id !== undefined && typeof data.id !== "string") return invalid("'id' must be a string", `${pointer}/id`);
  for (const k of IDENTIFIERS) {
    if (attributes[k] !== undefined && (typeof attributes[k] !== "string" || attributes[k] === "")) return invalid(`'${k}' must be a non-empty string`, `${pointer}/attributes/${k}`);
  }
  if (attributes.phone_number !== undefined && !/^\+[1-9]\d{6,14}$/.test(String(attributes.phone_number))) return invalid("Invalid phone number format (Example of a valid format: +12345678901)", `${pointer}/attributes/phone_number`);
  if (!data.id && !IDENTIFIERS.some((k) => attributes[k] !== undefined)) return invalid("One of 'email', 'phone_number', 'external_id' or the profile 'id' is required", `${pointer}/attributes`);
  if (attributes.properties !== undefined && !isObject(attributes.properties)) return invalid("'properties' must be an object", `${pointer}/attributes/properties`);
  return { id: data.id as string | undefined, attributes };
}

function checkEvent(body: unknown): ApiError | { metric: string; uniqueId?: string } {
  const data = isObject(body) ? body.data : undefined;
  if (!isObject(data) || data.type !== "event") return invalid("'type' must be 'event'", "/data/type");
  const a = data.attributes;
  if (!isObject(a)) return invalid("'attributes' is required", "/data/attributes");
  if (!isObject(a.properties)) return invalid("'properties' is required and must be an object", "/data/attributes/properties");
  if (a.time !== undefined && (typeof a.time !== "string" || Number.isNaN(Date.parse(a.time)))) return invalid("'time' must be an ISO 8601 datetime", "/data/attributes/time");
  if (a.value !== undefined && typeof a.value !== "number") return invalid("'value' must be a number", "/data/attributes/value");
  if (a.unique_id !== undefined && typeof a.unique_id !== "string") return invalid("'unique_id' must be a string", "/data/attributes/unique_id");
  const metric = isObject(a.metric) && isObject(a.metric.data) ? a.metric.data : undefined;
  if (!metric || metric.type !== "metric" || !isObject(metric.attributes) || typeof metric.attributes.name !== "string" || !metric.attributes.name) {
    return invalid("'metric' must be { data: { type: 'metric', attributes: { name } } }", "/data/attributes/metric");
  }
  if (!isObject(a.profile)) return invalid("'profile' is required", "/data/attributes/profile");
  const profile = checkProfile(a.profile.data, "/data/attributes/profile/data");
  if ("status" in profile) return profile;
  return { metric: metric.attributes.name, uniqueId: a.unique_id as string | undefined };
}

/** Starts the mock on 127.0.0.1 (ports 0 = free ports), accepting `keys` (each with both scopes unless given). */
export async function startKlaviyoMock(opts: { port?: number; controlPort?: number; keys?: Record<string, readonly string[]> | string[] } = {}): Promise<KlaviyoMock> {
  const keys = new Map<string, Set<string>>();
  const initial = Array.isArray(opts.keys) ? Object.fromEntries(opts.keys.map((k) => [k, KLAVIYO_SCOPES])) : (opts.keys ?? {});
  for (const [k, scopes] of Object.entries(initial)) keys.set(k, new Set(scopes));
  let records: ReceivedKlaviyoRequest[] = [];
  let profiles: MockProfile[] = [];
  let uniqueIds = new Set<string>();
  let pending: KlaviyoMockBehaviour[] = [];
  let seq = 0;

  const findProfile = (id: string | undefined, attributes: Record<string, unknown>) =>
    profiles.find((p) => (id && p.id === id) || IDENTIFIERS.some((k) => attributes[k] !== undefined && p[k] === attributes[k]));

  function handle(req: http.IncomingMessage, raw: string): { status: number; headers?: Record<string, string>; body?: unknown; record: Partial<ReceivedKlaviyoRequest> } {
    const path = new URL(req.url ?? "/", "http://mock").pathname.replace(/\/$/, "");
    const key = /^Klaviyo-API-Key (\S+)$/.exec(req.headers.authorization ?? "")?.[1];
    const record: Partial<ReceivedKlaviyoRequest> = { keySuffix: key ? key.slice(-8) : null };
    const fail = (e: ApiError, headers?: Record<string, string>) => ({ status: e.status, headers, body: errorBody(e), record });
    if (req.method !== "POST" || !SCOPE_OF[path]) return fail({ status: 404, code: "not_found", title: "Not found.", detail: `${req.method} ${path} is not an endpoint of this mock` });
    if (!key || !keys.has(key)) return fail({ status: 401, code: "not_authenticated", title: "Authentication credentials were not provided.", detail: "Missing or invalid private key.", pointer: "/data/" });
    if (!req.headers.revision) return fail({ status: 400, code: "invalid", title: "Invalid input.", detail: "The 'revision' header is required (YYYY-MM-DD).", pointer: "/headers/revision" });
    if (!keys.get(key)!.has(SCOPE_OF[path]!)) return fail({ status: 403, code: "permission_denied", title: "You do not have permission to perform this action.", detail: `This API key is missing required scope '${SCOPE_OF[path]}'.` });
    const failure = pending.find((b) => (!b.path || b.path === path) && (!b.key || b.key === key));
    if (failure) {
      if (--failure.count <= 0) pending = pending.filter((b) => b !== failure);
      if (failure.status === 429) {
        const wait = failure.retryAfterSeconds ?? 1;
        return fail({ status: 429, code: "throttled", title: "Request was throttled.", detail: `Request was throttled. Expected available in ${wait} second${wait === 1 ? "" : "s"}.` }, { "retry-after": String(wait) });
      }
      return fail({ status: failure.status, code: "error", title: "A server error occurred.", detail: "A server error occurred." }, failure.retryAfterSeconds ? { "retry-after": String(failure.retryAfterSeconds) } : undefined);
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return fail(invalid("The request body is not valid JSON.", "/data/"));
    }
    record.body = body;
    if (path === "/api/events") {
      const event = checkEvent(body);
      if ("status" in event) return fail(event);
      record.metric = event.metric;
      record.uniqueId = event.uniqueId;
      record.duplicate = !!event.uniqueId && uniqueIds.has(event.uniqueId);
      if (event.uniqueId) uniqueIds.add(event.uniqueId);
      return { status: 202, record };
    }
    const checked = checkProfile(isObject(body) ? body.data : undefined, "/data");
    if ("status" in checked) return fail(checked);
    const { id, attributes } = checked;
    let profile = findProfile(id, attributes);
    const created = !profile;
    if (!profile) {
      if (id) return fail({ status: 404, code: "not_found", title: "Not found.", detail: `No profile with id ${id}.`, pointer: "/data/id" });
      profile = { id: `01MOCK${randomUUID().replaceAll("-", "").slice(0, 20).toUpperCase()}`, properties: {} };
      profiles.push(profile);
    }
    for (const k of IDENTIFIERS) if (attributes[k] !== undefined) profile[k] = attributes[k] as string;
    Object.assign(profile.properties, (attributes.properties as Record<string, unknown> | undefined) ?? {});
    const { id: profileId, ...rest } = profile;
    return { status: created ? 201 : 200, body: { data: { type: "profile", id: profileId, attributes: rest } }, record };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on("end", () => {
      const answer = handle(req, Buffer.concat(chunks).toString("utf8"));
      if (records.length >= MAX_RECORDS) records.shift();
      records.push({
        seq: ++seq,
        at: new Date().toISOString(),
        method: req.method ?? "",
        path: new URL(req.url ?? "/", "http://mock").pathname,
        revision: (req.headers.revision as string | undefined) ?? null,
        contentType: req.headers["content-type"] ?? null,
        body: undefined,
        keySuffix: null,
        ...answer.record,
        status: answer.status,
      });
      res.writeHead(answer.status, { ...(answer.body ? { "content-type": "application/vnd.api+json" } : {}), ...answer.headers });
      res.end(answer.body ? JSON.stringify(answer.body) : undefined);
    });
  });

  const received = (filter: ReceivedFilter = {}) =>
    records.filter((r) => r.seq > (filter.after ?? 0) && (!filter.path || r.path === filter.path) && (!filter.key || (!!r.keySuffix && filter.key.endsWith(r.keySuffix))));
  const addKey = (key: string, scopes: readonly string[] = KLAVIYO_SCOPES) => void keys.set(key, new Set(scopes));
  const removeKey = (key: string) => void keys.delete(key);
  const behave = (b: KlaviyoMockBehaviour) => void pending.push({ ...b });
  const reset = () => {
    records = [];
    profiles = [];
    uniqueIds = new Set();
    pending = [];
  };

  const control = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://control");
      const reply = (status: number, body?: unknown) => {
        res.writeHead(status, body === undefined ? {} : { "content-type": "application/json" });
        res.end(body === undefined ? undefined : JSON.stringify(body));
      };
      try {
        const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>) : {};
        if (req.method === "GET" && url.pathname === "/received") {
          const q = (k: string) => url.searchParams.get(k) ?? undefined;
          return reply(200, { requests: received({ path: q("path"), key: q("key"), after: Number(q("after") ?? 0) }) });
        }
        if (req.method === "GET" && url.pathname === "/profiles") return reply(200, { profiles });
        if (req.method === "PUT" && url.pathname === "/keys" && typeof body.key === "string") {
          addKey(body.key, Array.isArray(body.scopes) ? (body.scopes as string[]) : undefined);
          return reply(204);
        }
        if (req.method === "DELETE" && url.pathname === "/keys") {
          removeKey(url.searchParams.get("key") ?? "");
          return reply(204);
        }
        if (req.method === "PUT" && url.pathname === "/behaviour" && typeof body.status === "number") {
          behave({ status: body.status, count: Number(body.count ?? 1), retryAfterSeconds: body.retryAfterSeconds as number | undefined, path: body.path as string | undefined, key: body.key as string | undefined });
          return reply(204);
        }
        if (req.method === "DELETE" && url.pathname === "/received") {
          reset();
          return reply(204);
        }
        reply(404, { error: "unknown control endpoint" });
      } catch (err) {
        reply(400, { error: (err as Error).message });
      }
    });
  });

  const listen = (srv: http.Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      srv.once("error", reject);
      srv.listen(port, "127.0.0.1", () => resolve((srv.address() as AddressInfo).port));
    });
  const port = await listen(server, opts.port ?? 0);
  const controlPort = await listen(control, opts.controlPort ?? 0);
  return {
    url: `http://127.0.0.1:${port}`,
    controlUrl: `http://127.0.0.1:${controlPort}`,
    received,
    profiles: () => profiles,
    addKey,
    removeKey,
    behave,
    reset,
    close: async () => {
      server.closeAllConnections();
      control.closeAllConnections();
      await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => control.close(r))]);
    },
  };
}

/** A client for a mock's control API (tests, `npm run dev`). */
export function klaviyoMockControl(controlUrl: string) {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${controlUrl}${path}`, {
      method,
      headers: body === undefined ? undefined : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`Klaviyo mock ${method} ${path}: ${res.status} ${await res.text()}`);
    return res.status === 204 ? undefined : ((await res.json()) as unknown);
  };
  return {
    async received(filter: ReceivedFilter = {}): Promise<ReceivedKlaviyoRequest[]> {
      const q = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
      return ((await call("GET", `/received?${q}`)) as { requests: ReceivedKlaviyoRequest[] }).requests;
    },
    profiles: async () => ((await call("GET", "/profiles")) as { profiles: MockProfile[] }).profiles,
    addKey: async (key: string, scopes?: readonly string[]) => void (await call("PUT", "/keys", { key, scopes })),
    removeKey: async (key: string) => void (await call("DELETE", `/keys?key=${encodeURIComponent(key)}`)),
    behave: async (behaviour: KlaviyoMockBehaviour) => void (await call("PUT", "/behaviour", behaviour)),
    reset: async () => void (await call("DELETE", "/received")),
  };
}
