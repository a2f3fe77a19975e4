/**
 * A local Google Wallet API for development and tests (plain HTTP on loopback), answering like
 * Google's (https://developers.google.com/wallet/reference/rest):
 *
 *   POST /token                          OAuth 2.0 JWT bearer grant (RFC 7523): the assertion's RS256
 *                                        signature is checked against the registered service account's
 *                                        public key → { access_token, expires_in, token_type }; else
 *                                        400 { error: "invalid_grant", error_description }
 *   POST  /walletobjects/v1/{resource}       insert (409 duplicate; 404 an object's class missing)
 *   GET   /walletobjects/v1/{resource}/{id}  get (404)
 *   PATCH /walletobjects/v1/{resource}/{id}  patch: top-level keys replaced; `notifyPreference:
 *                                        NOTIFY_ON_UPDATE` counts, and a 4th notifying PATCH of an
 *                                        object within 24 h answers 403 quotaExceeded
 *   GET   /issuer/keys                   the mock's root signing keys, as Google serves its own
 *                                        (ECv2SigningOnly, P-256), for the save/delete callbacks
 *
 * Errors are Google's shape: `{ error: { code, message, status, errors: [{ domain, reason, message }] } }`;
 * 401 without a token the mock issued; 403 permissionDenied for an id outside the account's issuers.
 *
 * Control API (another loopback port, `googleWalletMockControl(url)`):
 *   GET    /received?after=<seq>          { requests: ReceivedRequest[] }
 *   GET    /resources/{resource}/{id}     the stored resource (404)
 *   PUT    /service-accounts              { email, publicKeyPem, issuerIds }
 *   PUT    /behaviour                     { failNext?: { status, count, retryAfter? } } the next `count`
 *                                        API calls (not the token) answer `status` (429, 500, 503…)
 *   POST   /callbacks                     { recipientId, classId, objectId, eventType, nonce, expTimeMillis? }
 *                                        → a callback body signed as Google signs it (ECv2SigningOnly)
 *   DELETE /received                     forget what was received
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createPublicKey, generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from "node:crypto";

export interface ReceivedRequest {
  seq: number;
  at: string;
  method: string;
  path: string;
  /** `loyaltyObject`… for API calls, `token` for the token exchange. */
  resource: string;
  id: string | null;
  body: unknown;
  status: number;
  /** A PATCH that asked for a notification (`notifyPreference: NOTIFY_ON_UPDATE`). */
  notify: boolean;
  /** Service account email of the caller. */
  account: string | null;
}

export interface GoogleWalletMockBehaviour {
  failNext?: { status: number; count: number; retryAfter?: number };
}

export interface GoogleWalletMock {
  /** Base of the API: GOOGLE_WALLET_API_URL. */
  apiUrl: string;
  /** GOOGLE_OAUTH_TOKEN_URL. */
  tokenUrl: string;
  /** GOOGLE_WALLET_ROOT_KEYS_URL. */
  rootKeysUrl: string;
  controlUrl: string;
  close(): Promise<void>;
}

const SENDER_ID = "GooglePayPasses";
const PROTOCOL = "ECv2SigningOnly";
const API_PREFIX = "/walletobjects/v1";
const RESOURCES = new Set(["loyaltyClass", "loyaltyObject", "offerClass", "offerObject", "genericClass", "genericObject"]);
const STATUS: Record<number, string> = { 400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 409: "ALREADY_EXISTS", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE" };

function googleError(code: number, reason: string, message: string) {
  return { error: { code, message, status: STATUS[code] ?? "UNKNOWN", errors: [{ domain: "global", reason, message }] } };
}

/** Length-prefixed (4-byte little-endian) UTF-8 concatenation: the bytes ECv2SigningOnly signs. */
function signedBytes(...parts: string[]): Buffer {
  return Buffer.concat(
    parts.flatMap((p) => {
      const bytes = Buffer.from(p, "utf8");
      const len = Buffer.alloc(4);
      len.writeUInt32LE(bytes.length);
      return [len, bytes];
    }),
  );
}

const spkiBase64 = (key: KeyObject) => key.export({ type: "spki", format: "der" }).toString("base64");

/** Starts the mock on 127.0.0.1 (ports 0 = free ports). */
export async function startGoogleWalletMock(opts: { port?: number; controlPort?: number } = {}): Promise<GoogleWalletMock> {
  const records: ReceivedRequest[] = [];
  let seq = 0;
  const accounts = new Map<string, { key: KeyObject; issuerIds: string[] }>();
  const tokens = new Map<string, string>(); // access token → account email
  const resources = new Map<string, Record<string, unknown>>(); // `${resource}/${id}`
  const notifications = new Map<string, number[]>(); // object id → times of notifying PATCHes
  let failNext: GoogleWalletMockBehaviour["failNext"] | undefined;

  // the callback signing chain: a root key (served at /issuer/keys) signs an intermediate key
  const root = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const intermediate = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const farFuture = String(Date.now() + 365 * 86_400_000);
  const signedKey = JSON.stringify({ keyValue: spkiBase64(intermediate.publicKey), keyExpiration: farFuture });
  const intermediateSignature = sign("sha256", signedBytes(SENDER_ID, PROTOCOL, signedKey), root.privateKey).toString("base64");

  const signCallback = (m: { recipientId: string; classId: string; objectId: string; eventType: string; nonce: string; expTimeMillis?: number }) => {
    const signedMessage = JSON.stringify({ classId: m.classId, objectId: m.objectId, expTimeMillis: m.expTimeMillis ?? Date.now() + 60_000, eventType: m.eventType, nonce: m.nonce });
    const signature = sign("sha256", signedBytes(SENDER_ID, m.recipientId, PROTOCOL, signedMessage), intermediate.privateKey).toString("base64");
    return { signature, intermediateSigningKey: { signedKey, signatures: [intermediateSignature] }, protocolVersion: PROTOCOL, signedMessage };
  };

  const readBody = (req: http.IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString("utf8")));
      req.on("end", () => resolve(body));
    });

  const tokenExchange = (raw: string): [number, unknown, string | null] => {
    const form = new URLSearchParams(raw);
    if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer") return [400, { error: "unsupported_grant_type", error_description: "Invalid grant_type" }, null];
    const [h, p, s] = (form.get("assertion") ?? "").split(".");
    if (!h || !p || !s) return [400, { error: "invalid_request", error_description: "Invalid JWT" }, null];
    let header: { alg?: string };
    let claims: { iss?: string; aud?: string; scope?: string; exp?: number; iat?: number };
    try {
      header = JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as typeof header;
      claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as typeof claims;
    } catch {
      return [400, { error: "invalid_request", error_description: "Invalid JWT" }, null];
    }
    const account = claims.iss ? accounts.get(claims.iss) : undefined;
    if (header.alg !== "RS256" || !account) return [400, { error: "invalid_grant", error_description: "Invalid grant: account not found" }, null];
    if (!verify("sha256", Buffer.from(`${h}.${p}`), account.key, Buffer.from(s, "base64url"))) return [400, { error: "invalid_grant", error_description: "Invalid JWT Signature." }, claims.iss!];
    const now = Date.now() / 1000;
    if (!claims.exp || claims.exp < now || !claims.iat || claims.iat > now + 300) return [400, { error: "invalid_grant", error_description: "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe." }, claims.iss!];
    if (!claims.scope?.includes("wallet_object.issuer")) return [400, { error: "invalid_scope", error_description: "Invalid OAuth scope" }, claims.iss!];
    const token = `ya29.mock-${randomUUID()}`;
    tokens.set(token, claims.iss!);
    return [200, { access_token: token, expires_in: 3599, token_type: "Bearer" }, claims.iss!];
  };

  const api = (method: string, path: string, body: unknown, email: string): [number, unknown] => {
    const [resource, rawId] = path.slice(API_PREFIX.length + 1).split("/");
    if (!resource || !RESOURCES.has(resource)) return [404, googleError(404, "notFound", `Not Found: ${path}`)];
    const id = rawId === undefined ? (body as { id?: unknown } | null)?.id : decodeURIComponent(rawId);
    if (typeof id !== "string" || !id) return [400, googleError(400, "invalidArgument", "id is required")];
    const issuerIds = accounts.get(email)?.issuerIds ?? [];
    if (!issuerIds.includes(id.split(".")[0]!)) return [403, googleError(403, "permissionDenied", `The caller does not have permission for issuer ${id.split(".")[0]}`)];
    const key = `${resource}/${id}`;
    const stored = resources.get(key);
    if (method === "POST" && rawId === undefined) {
      if (stored) return [409, googleError(409, "duplicate", `Resource already exists: ${id}`)];
      const b = body as Record<string, unknown>;
      if (resource.endsWith("Object")) {
        const classKey = `${resource.replace("Object", "Class")}/${String(b.classId)}`;
        if (!resources.has(classKey)) return [404, googleError(404, "resourceNotFound", `Class not found: ${String(b.classId)}`)];
        if (!b.state) return [400, googleError(400, "invalidArgument", "state is required")];
      }
      const { notifyPreference: _n, ...rest } = b;
      void _n;
      const created = { ...rest, ...(resource.endsWith("Class") ? { reviewStatus: b.reviewStatus ?? "UNDER_REVIEW" } : {}) };
      resources.set(key, created);
      return [200, created];
    }
    if (!stored) return [404, googleError(404, "resourceNotFound", `Resource not found: ${id}`)];
    if (method === "GET" && rawId !== undefined) return [200, stored];
    if (method === "PATCH" && rawId !== undefined) {
      const { notifyPreference, ...changes } = body as Record<string, unknown>;
      if (notifyPreference === "NOTIFY_ON_UPDATE") {
        const since = Date.now() - 24 * 3600_000;
        const times = (notifications.get(id) ?? []).filter((t) => t > since);
        if (times.length >= 3) return [403, googleError(403, "quotaExceeded", "Quota exceeded: at most 3 notifying updates of an object per 24 hours")];
        notifications.set(id, [...times, Date.now()]);
      }
      const updated = { ...stored, ...changes, id };
      resources.set(key, updated);
      return [200, updated];
    }
    return [404, googleError(404, "notFound", `Not Found: ${method} ${path}`)];
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://mock");
    const raw = await readBody(req);
    const answer = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json; charset=UTF-8", ...headers });
      res.end(JSON.stringify(value));
    };
    const record = (r: Omit<ReceivedRequest, "seq" | "at" | "method" | "path">) => {
      records.push({ seq: ++seq, at: new Date().toISOString(), method: req.method ?? "", path: url.pathname, ...r });
    };
    if (req.method === "GET" && url.pathname === "/issuer/keys") {
      return answer(200, { keys: [{ keyValue: spkiBase64(root.publicKey), protocolVersion: PROTOCOL, keyExpiration: farFuture }] });
    }
    if (req.method === "POST" && url.pathname === "/token") {
      const [status, value, account] = tokenExchange(raw);
      record({ resource: "token", id: null, body: null, status, notify: false, account });
      return answer(status, value);
    }
    if (!url.pathname.startsWith(API_PREFIX + "/")) return answer(404, googleError(404, "notFound", "Not Found"));
    let body: unknown = null;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        return answer(400, googleError(400, "parseError", "Invalid JSON payload received."));
      }
    }
    const [resource, rawId] = url.pathname.slice(API_PREFIX.length + 1).split("/");
    const id = rawId === undefined ? ((body as { id?: string } | null)?.id ?? null) : decodeURIComponent(rawId);
    const notify = (body as { notifyPreference?: string } | null)?.notifyPreference === "NOTIFY_ON_UPDATE";
    const email = tokens.get(String(req.headers.authorization ?? "").replace(/^Bearer /i, "")) ?? null;
    const done = (status: number, value: unknown, headers?: Record<string, string>) => {
      record({ resource: resource ?? "", id, body, status, notify, account: email });
      answer(status, value, headers);
    };
    if (!email) return done(401, googleError(401, "authError", "Request is missing required authentication credential. Expected OAuth 2 access token."));
    if (failNext && failNext.count > 0) {
      failNext.count--;
      const status = failNext.status;
      const headers: Record<string, string> = failNext.retryAfter !== undefined ? { "retry-after": String(failNext.retryAfter) } : {};
      return done(status, googleError(status, status === 429 ? "rateLimitExceeded" : "backendError", status === 429 ? "Rate Limit Exceeded" : "Backend Error"), headers);
    }
    const [status, value] = api(req.method ?? "", url.pathname, body, email);
    done(status, value);
  });

  const control = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://mock");
    const raw = await readBody(req);
    const reply = (status: number, value?: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(value === undefined ? undefined : JSON.stringify(value));
    };
    try {
      if (req.method === "GET" && url.pathname === "/received") {
        const after = Number(url.searchParams.get("after") ?? 0);
        return reply(200, { requests: records.filter((r) => r.seq > after) });
      }
      const m = /^\/resources\/([^/]+)\/([^/]+)$/.exec(url.pathname);
      if (req.method === "GET" && m) {
        const stored = resources.get(`${m[1]}/${decodeURIComponent(m[2]!)}`);
        return stored ? reply(200, stored) : reply(404, { error: "not found" });
      }
      if (req.method === "PUT" && url.pathname === "/service-accounts") {
        const { email, publicKeyPem, issuerIds } = JSON.parse(raw) as { email: string; publicKeyPem: string; issuerIds: string[] };
        accounts.set(email, { key: createPublicKey(publicKeyPem), issuerIds });
        return reply(204);
      }
      if (req.method === "PUT" && url.pathname === "/behaviour") {
        failNext = (JSON.parse(raw) as GoogleWalletMockBehaviour).failNext;
        return reply(204);
      }
      if (req.method === "POST" && url.pathname === "/callbacks") return reply(200, signCallback(JSON.parse(raw) as Parameters<typeof signCallback>[0]));
      if (req.method === "DELETE" && url.pathname === "/received") {
        records.length = 0;
        return reply(204);
      }
      reply(404, { error: "not found" });
    } catch (err) {
      reply(400, { error: (err as Error).message });
    }
  });

  const listen = (srv: http.Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      srv.once("error", reject);
      srv.listen(port, "127.0.0.1", () => resolve((srv.address() as AddressInfo).port));
    });
  const port = await listen(server, opts.port ?? 0);
  const controlPort = await listen(control, opts.controlPort ?? 0);
  const base = `http://127.0.0.1:${port}`;
  return {
    apiUrl: `${base}${API_PREFIX}`,
    tokenUrl: `${base}/token`,
    rootKeysUrl: `${base}/issuer/keys`,
    controlUrl: `http://127.0.0.1:${controlPort}`,
    async close() {
      server.closeAllConnections();
      control.closeAllConnections();
      await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => control.close(r))]);
    },
  };
}

/** A client for a mock's control API (tests, `npm run dev`). */
export function googleWalletMockControl(controlUrl: string) {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${controlUrl}${path}`, {
      method,
      headers: body === undefined ? undefined : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 404 && path.startsWith("/resources/")) return null;
    if (!res.ok) throw new Error(`Google Wallet mock ${method} ${path}: ${res.status} ${await res.text()}`);
    return res.status === 204 ? undefined : ((await res.json()) as unknown);
  };
  return {
    received: async (after = 0) => ((await call("GET", `/received?after=${after}`)) as { requests: ReceivedRequest[] }).requests,
    resource: async (resource: string, id: string) => (await call("GET", `/resources/${resource}/${encodeURIComponent(id)}`)) as Record<string, unknown> | null,
    registerServiceAccount: async (email: string, publicKeyPem: string, issuerIds: string[]) => void (await call("PUT", "/service-accounts", { email, publicKeyPem, issuerIds })),
    behave: async (behaviour: GoogleWalletMockBehaviour) => void (await call("PUT", "/behaviour", behaviour)),
    signCallback: async (m: { recipientId: string; classId: string; objectId: string; eventType: "save" | "del"; nonce: string; expTimeMillis?: number }) =>
      (await call("POST", "/callbacks", m)) as { signature: string; intermediateSigningKey: { signedKey: string; signatures: string[] }; protocolVersion: string; signedMessage: string },
    reset: async () => void (await call("DELETE", "/received")),
  };
}

/**
 * A service account key JSON (as Google Cloud gives it) with a fresh RSA key, for the dev demo
 * tenant and tests; `publicKeyPem` is what the mock is told to check its assertions against.
 */
export function generateServiceAccount(email = `passflow-dev@passflow-dev.iam.gserviceaccount.com`) {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyJson = JSON.stringify({
    type: "service_account",
    project_id: "passflow-dev",
    private_key_id: randomUUID().replaceAll("-", ""),
    private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    client_email: email,
    client_id: "100000000000000000000",
    token_uri: "https://oauth2.googleapis.com/token",
  });
  return { keyJson, email, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString() };
}
