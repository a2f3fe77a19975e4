/**
 * A local APNs for development and tests: HTTP/2 over TLS with a generated certificate, answering
 * like Apple's provider API (`POST /3/device/<token>`): 200 with `apns-id`; 400/403/410/413 with a
 * JSON `{ "reason": … }`; a configurable failure rate (503 by default) and latency. It accepts a
 * TLS client certificate (recording its UID, which must match `apns-topic`) or a provider token
 * (ES256 JWT, verified when its key was registered).
 *
 * Everything it received is kept in memory and readable over a small plain-HTTP control API on
 * loopback (`apnsMockControl(url)`), which also sets its behaviour, per topic or for all:
 *   GET    /received?topic=&token=&after=<seq>   { pushes: ReceivedPush[] }
 *   GET    /events?after=<seq>                   text/event-stream: each push answered after <seq> (those
 *                                                already received first, then live), one event a push:
 *                                                `id: <seq>` and `data: <ReceivedPush as JSON>`
 *   GET    /stats                                { received, sessions, openSessions, byStatus }
 *   PUT    /behaviour                            MockBehaviour & { topic?: string }
 *   PUT    /token-keys                           { keyId, publicKeyPem }
 *   DELETE /received                             forget what was received (and the counts)
 */
import { spawn } from "node:child_process";
import http from "node:http";
import http2 from "node:http2";
import path from "node:path";
import { createInterface } from "node:readline";
import type { TLSSocket } from "node:tls";
import type { AddressInfo } from "node:net";
import { createPublicKey, randomBytes, randomUUID, verify, type KeyObject } from "node:crypto";
import forge from "node-forge";
import { rsaKeyPair } from "@/server/wallet/dev-certificates";

export interface MockBehaviour {
  /** Delay before answering, ms. */
  latencyMs?: number;
  /** Share of requests (0–1) answered with `failureStatus`. */
  failureRate?: number;
  /** 503 (default), 500, 429… */
  failureStatus?: number;
  /** Tokens answered with 410 Unregistered. */
  unregistered?: string[];
  /** Tokens answered with 400 BadDeviceToken. */
  badTokens?: string[];
  /** Answer every push of the topic with 400 TopicDisallowed. */
  topicDisallowed?: boolean;
}

export interface ReceivedPush {
  seq: number;
  at: string;
  /** Which HTTP/2 connection carried it (1, 2, …): one per client credential when reused. */
  session: number;
  token: string;
  topic: string | null;
  apnsId: string;
  priority: string | null;
  pushType: string | null;
  expiration: string | null;
  rawBody: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  payload: unknown;
  auth: "certificate" | "token" | "none";
  /** UID (pass type identifier) of the TLS client certificate, or the token's key id. */
  credential: string | null;
  status: number;
  reason: string | null;
}

export interface MockStats {
  received: number;
  sessions: number;
  openSessions: number;
  byStatus: Record<string, number>;
}

export interface ApnsMock {
  host: string;
  port: number;
  /** The mock's certificate (self-signed): the CA clients trust it with. */
  caPem: string;
  controlUrl: string;
  received(filter?: { topic?: string; token?: string; after?: number }): ReceivedPush[];
  behave(behaviour: MockBehaviour & { topic?: string }): void;
  stats(): MockStats;
  reset(): void;
  close(): Promise<void>;
}

const REASONS: Record<number, string> = {
  429: "TooManyRequests",
  500: "InternalServerError",
  503: "ServiceUnavailable",
};
const MAX_RECORDS = 200_000;
const MAX_PAYLOAD = 4096;

/** A self-signed TLS certificate for 127.0.0.1 and localhost. */
function serverCertificate() {
  const keys = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = "01" + randomBytes(8).toString("hex");
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  const name = [{ name: "commonName", value: "Passflow local APNs mock" }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: "basicConstraints", cA: true },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true },
    { name: "extKeyUsage", serverAuth: true },
    { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }, { type: 2, value: "localhost" }] },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { key: forge.pki.privateKeyToPem(keys.privateKey), cert: forge.pki.certificateToPem(cert) };
}

function decodeJwt(jwt: string): { kid?: string; signed: string; signature: Buffer } | undefined {
  const [h, p, s] = jwt.split(".");
  if (!h || !p || !s) return undefined;
  try {
    const header = JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as { kid?: string };
    return { kid: header.kid, signed: `${h}.${p}`, signature: Buffer.from(s, "base64url") };
  } catch {
    return undefined;
  }
}

/**
 * Starts the mock on 127.0.0.1 (ports 0 = free ports). Resolves once both listeners are up.
 */
export async function startApnsMock(opts: { port?: number; controlPort?: number; behaviour?: MockBehaviour } = {}): Promise<ApnsMock> {
  const tls = serverCertificate();
  const records: ReceivedPush[] = [];
  const byStatus: Record<string, number> = {};
  const behaviours = new Map<string, MockBehaviour>([["*", opts.behaviour ?? {}]]);
  const tokenKeys = new Map<string, KeyObject>();
  /** Open `GET /events` streams. */
  const subscribers = new Set<http.ServerResponse>();
  const sse = (res: http.ServerResponse, r: ReceivedPush) => res.write(`id: ${r.seq}\ndata: ${JSON.stringify(r)}\n\n`);
  let seq = 0;
  let sessions = 0;
  let dropped = 0;

  const server = http2.createSecureServer({
    key: tls.key,
    cert: tls.cert,
    requestCert: true,
    rejectUnauthorized: false,
    settings: { maxConcurrentStreams: 1000 },
  });
  const sessionIds = new WeakMap<object, number>();
  const live = new Set<http2.ServerHttp2Session>();
  server.on("session", (session) => {
    sessionIds.set(session, ++sessions);
    live.add(session);
    session.on("close", () => live.delete(session));
    session.on("error", () => {});
  });
  server.on("sessionError", () => {});

  server.on("stream", (stream, headers) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_PAYLOAD + 1) chunks.push(c);
    });
    stream.on("error", () => {});
    stream.on("end", () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      const path = String(headers[":path"] ?? "");
      const token = path.match(/^\/3\/device\/([^/?]+)$/)?.[1] ?? "";
      const topic = typeof headers["apns-topic"] === "string" ? headers["apns-topic"] : null;
      const apnsId = typeof headers["apns-id"] === "string" ? headers["apns-id"] : randomUUID();
      const peer = (stream.session?.socket as TLSSocket | undefined)?.getPeerCertificate?.();
      const certUid = peer && typeof peer.subject === "object" ? ((peer.subject as unknown as Record<string, string>).UID ?? null) : null;
      const bearer = String(headers.authorization ?? "").match(/^bearer (.+)$/i)?.[1];
      const jwt = bearer ? decodeJwt(bearer) : undefined;
      const auth: ReceivedPush["auth"] = bearer ? "token" : certUid ? "certificate" : "none";
      let payload: unknown;
      try {
        payload = JSON.parse(rawBody);
      } catch {
        payload = undefined;
      }
      const b = { ...behaviours.get("*"), ...(topic ? behaviours.get(topic) : undefined) };

      const answer = (status: number, reason: string | null) => {
        const record: ReceivedPush = {
          seq: ++seq,
          at: new Date().toISOString(),
          session: (stream.session && sessionIds.get(stream.session)) ?? 0,
          token,
          topic,
          apnsId,
          priority: (headers["apns-priority"] as string | undefined) ?? null,
          pushType: (headers["apns-push-type"] as string | undefined) ?? null,
          expiration: (headers["apns-expiration"] as string | undefined) ?? null,
          rawBody,
          payload,
          auth,
          credential: auth === "token" ? (jwt?.kid ?? null) : certUid,
          status,
          reason,
        };
        records.push(record);
        for (const res of subscribers) sse(res, record);
        if (records.length > MAX_RECORDS) {
          records.shift();
          dropped++;
        }
        byStatus[status] = (byStatus[status] ?? 0) + 1;
        if (stream.destroyed) return;
        const body = reason ? JSON.stringify(status === 410 ? { reason, timestamp: Date.now() } : { reason }) : undefined;
        stream.respond({ ":status": status, "apns-id": apnsId, ...(body ? { "content-type": "application/json" } : {}) });
        stream.end(body);
      };

      const decide = (): [number, string | null] => {
        if (headers[":method"] !== "POST" || !path.startsWith("/3/device/")) return [404, "BadPath"];
        if (auth === "none") return [403, "MissingProviderToken"];
        if (jwt === undefined && bearer) return [403, "InvalidProviderToken"];
        if (jwt?.kid && tokenKeys.has(jwt.kid)) {
          const ok = verify("sha256", Buffer.from(jwt.signed), { key: tokenKeys.get(jwt.kid)!, dsaEncoding: "ieee-p1363" }, jwt.signature);
          if (!ok) return [403, "InvalidProviderToken"];
        }
        if (!topic) return [400, "MissingTopic"];
        if (!/^[0-9a-fA-F]{64,200}$/.test(token)) return [400, "BadDeviceToken"];
        if (size > MAX_PAYLOAD) return [413, "PayloadTooLarge"];
        if (!rawBody) return [400, "PayloadEmpty"];
        if (payload === undefined || typeof payload !== "object" || payload === null || Array.isArray(payload)) return [400, "BadPayload"];
        if (auth === "certificate" && certUid !== topic) return [400, "TopicDisallowed"];
        if (b.topicDisallowed) return [400, "TopicDisallowed"];
        if (b.unregistered?.includes(token)) return [410, "Unregistered"];
        if (b.badTokens?.includes(token)) return [400, "BadDeviceToken"];
        if (b.failureRate && Math.random() < b.failureRate) {
          const status = b.failureStatus ?? 503;
          return [status, REASONS[status] ?? "ServiceUnavailable"];
        }
        return [200, null];
      };
      const [status, reason] = decide();
      if (b.latencyMs) setTimeout(() => answer(status, reason), b.latencyMs);
      else answer(status, reason);
    });
  });

  const received = (filter: { topic?: string; token?: string; after?: number } = {}) =>
    records.filter((r) => (!filter.topic || r.topic === filter.topic) && (!filter.token || r.token === filter.token) && (!filter.after || r.seq > filter.after));
  const behave = ({ topic, ...b }: MockBehaviour & { topic?: string }) => {
    behaviours.set(topic ?? "*", b);
  };
  const stats = (): MockStats => ({ received: records.length + dropped, sessions, openSessions: live.size, byStatus: { ...byStatus } });
  const reset = () => {
    records.length = 0;
    dropped = 0;
    for (const k of Object.keys(byStatus)) delete byStatus[k];
  };

  const control = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://mock");
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      const reply = (status: number, value?: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(value === undefined ? undefined : JSON.stringify(value));
      };
      try {
        if (req.method === "GET" && url.pathname === "/received") {
          const after = Number(url.searchParams.get("after") ?? 0);
          return reply(200, { pushes: received({ topic: url.searchParams.get("topic") ?? undefined, token: url.searchParams.get("token") ?? undefined, after }) });
        }
        if (req.method === "GET" && url.pathname === "/events") {
          res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store" });
          res.flushHeaders();
          for (const r of received({ after: Number(url.searchParams.get("after") ?? 0) })) sse(res, r);
          subscribers.add(res);
          res.on("close", () => subscribers.delete(res));
          return;
        }
        if (req.method === "GET" && url.pathname === "/stats") return reply(200, stats());
        if (req.method === "PUT" && url.pathname === "/behaviour") {
          behave(JSON.parse(body) as MockBehaviour & { topic?: string });
          return reply(204);
        }
        if (req.method === "PUT" && url.pathname === "/token-keys") {
          const { keyId, publicKeyPem } = JSON.parse(body) as { keyId: string; publicKeyPem: string };
          tokenKeys.set(keyId, createPublicKey(publicKeyPem));
          return reply(204);
        }
        if (req.method === "DELETE" && url.pathname === "/received") {
          reset();
          return reply(204);
        }
        reply(404, { error: "not found" });
      } catch (err) {
        reply(400, { error: (err as Error).message });
      }
    });
  });

  const listen = (srv: http.Server | http2.Http2SecureServer, port: number) =>
    new Promise<number>((resolve, reject) => {
      srv.once("error", reject);
      srv.listen(port, "127.0.0.1", () => resolve((srv.address() as AddressInfo).port));
    });
  const port = await listen(server, opts.port ?? 0);
  const controlPort = await listen(control, opts.controlPort ?? 0);

  return {
    host: "127.0.0.1",
    port,
    caPem: tls.cert,
    controlUrl: `http://127.0.0.1:${controlPort}`,
    received,
    behave,
    stats,
    reset,
    async close() {
      control.closeAllConnections();
      await Promise.all([
        new Promise((r) => control.close(r)),
        new Promise((r) => {
          server.close(r);
          for (const session of live) session.close(); // open sessions would keep the server up
        }),
      ]);
    },
  };
}

/** A mock running in a process of its own (`spawnApnsMock`). */
export interface ApnsMockProcess {
  host: string;
  port: number;
  caPem: string;
  controlUrl: string;
  pid: number;
  /** Ends the process and waits for it. */
  stop(): Promise<void>;
}

/**
 * Starts the mock as its own process (server/tooling/bench/apns-mock-process.ts, through tsx from
 * the repository root), so the benchmarks keep its CPU apart from the process they measure.
 */
export async function spawnApnsMock(): Promise<ApnsMockProcess> {
  const child = spawn(process.execPath, [path.resolve("node_modules/tsx/dist/cli.mjs"), path.resolve("server/tooling/bench/apns-mock-process.ts")], { stdio: ["pipe", "pipe", "inherit"] });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`the APNs mock process exited (${code})`)));
  });
  const mock = JSON.parse(first) as { host: string; port: number; caPem: string; controlUrl: string };
  return {
    ...mock,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.stdin!.end();
      await exited;
    },
  };
}

/** A client for a mock's control API (tests, the console, `npm run dev`). */
export function apnsMockControl(controlUrl: string) {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${controlUrl}${path}`, {
      method,
      headers: body === undefined ? undefined : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`APNs mock ${method} ${path}: ${res.status} ${await res.text()}`);
    return res.status === 204 ? undefined : ((await res.json()) as unknown);
  };
  return {
    async received(filter: { topic?: string; token?: string; after?: number } = {}): Promise<ReceivedPush[]> {
      const q = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
      return ((await call("GET", `/received?${q}`)) as { pushes: ReceivedPush[] }).pushes;
    },
    stats: async () => (await call("GET", "/stats")) as MockStats,
    behave: async (behaviour: MockBehaviour & { topic?: string }) => void (await call("PUT", "/behaviour", behaviour)),
    registerTokenKey: async (keyId: string, publicKeyPem: string) => void (await call("PUT", "/token-keys", { keyId, publicKeyPem })),
    reset: async () => void (await call("DELETE", "/received")),
    /**
     * Follows `GET /events`: `onPush` is called for every push the mock answers after seq `after`
     * (0: all of them), in order, until `close()`. Resolves once the stream is open.
     */
    async events(onPush: (push: ReceivedPush) => void, after = 0): Promise<{ close(): void }> {
      const abort = new AbortController();
      const res = await fetch(`${controlUrl}/events?after=${after}`, { signal: abort.signal });
      if (!res.ok || !res.body) throw new Error(`APNs mock GET /events: ${res.status}`);
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      void (async () => {
        let buffer = "";
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return;
            buffer += decoder.decode(value, { stream: true });
            for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
              const data = buffer.slice(0, end).split("\n").find((line) => line.startsWith("data: "));
              buffer = buffer.slice(end + 2);
              if (data) onPush(JSON.parse(data.slice(6)) as ReceivedPush);
            }
          }
        } catch {
          // closed
        }
      })();
      return { close: () => abort.abort() };
    },
  };
}
