/**
 * The APNs transport (Apple "Sending push notifications to update passes"; the APNs provider
 * API): the Wallet push, with topic = the pass type identifier and the empty JSON dictionary as
 * payload, to a list of device tokens. What the lock screen shows comes from the changed
 * fields' `changeMessage` in the pass, never from the push. Which devices to push and what to
 * record is the push pipeline's (./push.ts).
 *
 * - Credentials: a .p8 auth key (token-based) or a Pass Type ID certificate (TLS client
 *   certificate, what Apple documents for Wallet).
 * - Connections: one @parse/node-apn Provider (one HTTP/2 connection, multiplexed) per
 *   credential, reused across pushes and closed after APNS_IDLE_TIMEOUT_SECONDS unused.
 * - 429, 5xx, timeouts and connection errors are retried with exponential backoff and jitter
 *   inside one call; any other answer settles the device (accepted, or rejected with APNs'
 *   reason).
 */
import { readFileSync } from "node:fs";
import { Notification, Provider, type ProviderOptions, type ResponseFailure } from "@parse/node-apn";
import { env } from "@/server/platform/env";
import { logger } from "@/server/platform/log";

/** Apple's production APNs: Pass Type ID certificates and Wallet pass pushes use it. */
export const APPLE_APNS_HOST = "api.push.apple.com";

/**
 * The Wallet payload. @parse/node-apn skips the request body when the compiled payload is exactly
 * "{}" (parse-community/node-apn#219), which APNs answers with 400 PayloadEmpty, so Passflow sends
 * the same empty JSON dictionary with a space.
 */
export const WALLET_PAYLOAD = "{ }";

class WalletNotification extends Notification {
  constructor(topic: string, expirySeconds: number) {
    super();
    this.topic = topic;
    this.expiry = Math.floor(Date.now() / 1000) + expirySeconds;
  }

  /** node-apn serialises the payload with this (not in its typings). */
  compile(): string {
    return WALLET_PAYLOAD;
  }
}

export interface ApnsTransportOptions {
  /** Tries per device, the first included (default 8). */
  maxAttempts?: number;
  /** First backoff delay, doubled per retry up to `maxDelayMs` (defaults 100 ms, 2 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Pushes in flight at once per call (default 500). */
  concurrency?: number;
  /** How long APNs keeps a push for an offline device (default one day). */
  expirySeconds?: number;
  /** Where APNs is, instead of APNS_HOST / APNS_PORT / APNS_CA_FILE (tests, the benchmark). */
  endpoint?: ApnsEndpoint;
  /** Close a connection unused this long, ms (default APNS_IDLE_TIMEOUT_SECONDS). */
  idleTimeoutMs?: number;
}

export interface ApnsEndpoint {
  host: string;
  port: number;
  /** PEM of the CA to trust for `host` (the mock's certificate). */
  caPem?: string;
}

/** The configured APNs endpoint: APNS_HOST (default Apple's production APNs), APNS_PORT, APNS_CA_FILE. */
export function configuredEndpoint(): ApnsEndpoint {
  return {
    host: env.APNS_HOST ?? APPLE_APNS_HOST,
    port: env.APNS_PORT,
    caPem: env.APNS_CA_FILE ? readFileSync(env.APNS_CA_FILE, "utf8") : undefined,
  };
}

interface Connection {
  provider: Provider;
  inFlight: number;
  timer?: NodeJS.Timeout;
}

/** One Provider per credential, closed when idle. */
class ApnsConnections {
  private readonly pool = new Map<string, Connection>();

  constructor(private readonly idleMs: number) {}

  /**
   * The connection for `key`, created from `options()` when absent; pair with `release(key)`.
   * @throws Error from @parse/node-apn when the credentials are unusable (mismatched key, expired)
   */
  acquire(key: string, options: () => ProviderOptions): Provider {
    let conn = this.pool.get(key);
    if (!conn) {
      conn = { provider: new Provider(options()), inFlight: 0 };
      this.pool.set(key, conn);
    }
    clearTimeout(conn.timer);
    conn.inFlight++;
    return conn.provider;
  }

  /** Marks one use of `key` finished; the connection closes after the idle timeout. */
  release(key: string): void {
    const conn = this.pool.get(key);
    if (!conn) return;
    conn.inFlight--;
    this.scheduleClose(key, conn);
  }

  private scheduleClose(key: string, conn: Connection) {
    clearTimeout(conn.timer);
    conn.timer = setTimeout(() => {
      if (conn.inFlight > 0) return this.scheduleClose(key, conn);
      this.pool.delete(key);
      void conn.provider.shutdown();
    }, this.idleMs);
    conn.timer.unref();
  }

  /** Open connections (keys), for tests and diagnostics. */
  keys(): string[] {
    return [...this.pool.keys()];
  }

  async closeAll(): Promise<void> {
    const all = [...this.pool.values()];
    this.pool.clear();
    await Promise.all(all.map((c) => (clearTimeout(c.timer), c.provider.shutdown())));
  }
}

function transportOptions(endpoint: ApnsEndpoint): Pick<ProviderOptions, "address" | "port" | "ca" | "production" | "requestTimeout" | "connectionRetryLimit" | "heartBeat"> {
  return {
    address: endpoint.host,
    port: endpoint.port,
    ...(endpoint.caPem ? { ca: [endpoint.caPem] } : {}),
    production: true,
    requestTimeout: 10_000,
    // Retries are ours (backoff, per-device accounting): node-apn's own retry immediately.
    connectionRetryLimit: 0,
    heartBeat: 60_000,
  };
}

/** How APNs settled one device's push; `retry`: still failing when the tries ran out. */
export type PushResult =
  | { kind: "accepted"; apnsId: string | null }
  | { kind: "rejected"; statusCode: number | null; reason: string; apnsId: string | null }
  | { kind: "retry"; statusCode: number | null; reason: string };

const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);

function classify(failure: ResponseFailure & { "apns-id"?: string }): PushResult {
  const status = typeof failure.status === "number" ? failure.status : null;
  const reason = failure.response?.reason ?? failure.error?.message ?? "Unknown";
  if (status === null || RETRY_STATUS.has(status) || reason === "ExpiredProviderToken") return { kind: "retry", statusCode: status, reason };
  return { kind: "rejected", statusCode: status, reason, apnsId: failure["apns-id"] ?? null };
}

/** Runs `fn` over `items` with at most `limit` at once. */
async function eachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** One device to push: its token, the tries so far (earlier calls included) and, once settled, the result. */
export interface PushTarget {
  deviceId: string;
  token: string;
  attempts: number;
  result?: PushResult;
}

/** The credentials a push is sent with; `key` names the connection they open. */
export type ApnsCredentials =
  | { kind: "token"; key: string; privateKeyPem: string; keyId: string; teamId: string }
  | { kind: "certificate"; key: string; certificatePem: string; privateKeyPem: string; development: boolean };

/** Sends Wallet pushes; `push` settles every target (calling `onSettled` for each as it does). */
export interface PushTransport {
  push(request: { credentials: ApnsCredentials; topic: string; targets: PushTarget[] }, onSettled: (target: PushTarget) => void): Promise<void>;
  close(): Promise<void>;
}

/** The APNs transport: APNS_HOST / APNS_PORT / APNS_CA_FILE unless `opts.endpoint` says otherwise. */
export function createApnsTransport(opts: ApnsTransportOptions = {}): PushTransport & { connections: ApnsConnections } {
  const maxAttempts = opts.maxAttempts ?? 8;
  const baseDelayMs = opts.baseDelayMs ?? 100;
  const maxDelayMs = opts.maxDelayMs ?? 2_000;
  const concurrency = opts.concurrency ?? 500;
  const expirySeconds = opts.expirySeconds ?? 86_400;
  const connections = new ApnsConnections(opts.idleTimeoutMs ?? env.APNS_IDLE_TIMEOUT_SECONDS * 1000);
  const endpoint = opts.endpoint ?? configuredEndpoint();

  /** Pushes to one device until APNs settles it or the tries run out, backing off between tries. */
  async function pushOne(provider: Provider, note: Notification, t: PushTarget): Promise<void> {
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) {
        const delay = Math.min(baseDelayMs * 2 ** (attempt - 2), maxDelayMs);
        await new Promise((r) => setTimeout(r, delay / 2 + Math.random() * (delay / 2)));
      }
      t.attempts++;
      const { sent, failed } = await provider.send(note, t.token);
      const ok = sent[0] as { "apns-id"?: string } | undefined;
      t.result = ok ? { kind: "accepted", apnsId: ok["apns-id"] ?? null } : classify(failed[0] ?? { device: t.token, error: new Error("no response") });
      if (t.result.kind !== "retry") return;
    }
  }

  function providerOptions(credentials: ApnsCredentials): ProviderOptions {
    return credentials.kind === "token"
      ? { ...transportOptions(endpoint), token: { key: credentials.privateKeyPem, keyId: credentials.keyId, teamId: credentials.teamId } }
      : { ...transportOptions(endpoint), cert: credentials.certificatePem, key: credentials.privateKeyPem };
  }

  /** Settles every target as rejected with `reason` (credentials APNs would refuse anyway). */
  function refuseAll(targets: PushTarget[], reason: string, onSettled: (t: PushTarget) => void): void {
    for (const t of targets) {
      t.result = { kind: "rejected", statusCode: null, reason, apnsId: null };
      onSettled(t);
    }
  }

  async function push({ credentials, topic, targets }: { credentials: ApnsCredentials; topic: string; targets: PushTarget[] }, onSettled: (t: PushTarget) => void): Promise<void> {
    // Apple refuses a self-signed certificate: say so instead of retrying a TLS failure.
    if (credentials.kind === "certificate" && credentials.development && endpoint.host === APPLE_APNS_HOST) return refuseAll(targets, "DevelopmentCertificate", onSettled);
    let provider: Provider;
    try {
      provider = connections.acquire(credentials.key, () => providerOptions(credentials));
    } catch (err) {
      // node-apn refuses the credentials before any request (key mismatch, expired, environment)
      logger.error({ topic, err: (err as Error).message }, "APNs credentials unusable");
      return refuseAll(targets, "BadCertificate", onSettled);
    }
    const note = new WalletNotification(topic, expirySeconds);
    try {
      await eachLimit(targets, concurrency, async (t) => {
        await pushOne(provider, note, t);
        onSettled(t);
      });
    } finally {
      connections.release(credentials.key);
    }
  }

  return { push, close: () => connections.closeAll(), connections };
}
