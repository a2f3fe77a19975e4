/**
 * The APNs push sender (Apple "Sending push notifications to update passes"; the APNs provider
 * API): for a changed pass version, one push per registered device with topic = the pass type
 * identifier and the empty JSON dictionary as payload. What the lock screen shows comes from the
 * changed fields' `changeMessage` in the pass, never from the push.
 *
 * - Credentials: the tenant's .p8 auth key when configured (token-based), otherwise its Pass
 *   Type ID certificate (TLS client certificate, what Apple documents for Wallet).
 * - Connections: one @parse/node-apn Provider (one HTTP/2 connection, multiplexed) per tenant
 *   credential, reused across pushes and closed after APNS_IDLE_TIMEOUT_SECONDS unused.
 * - Every push is a PushDelivery row: ACCEPTED with the apns-id, REJECTED with APNs' reason, or
 *   FAILED, with its attempts. Rows are written as results arrive, 2,000 per statement, while
 *   pushing goes on; a crash mid-push leaves the unrecorded devices to the retried step (which may
 *   push some of them twice, harmless for Wallet). 410 Unregistered drops that registration. BadDeviceToken, TopicDisallowed and other setup reasons are recorded and
 *   reported as the tenant's configuration problem (see funnel.ts), never used to delete
 *   registrations in bulk. 429, 5xx, timeouts and connection errors are retried with exponential
 *   backoff and jitter inside this call.
 * - Idempotent per version: a device whose push for this version was already accepted or
 *   rejected is not pushed again, so a retried Inngest step only retries what failed.
 */
import { readFileSync } from "node:fs";
import { Notification, Provider, type ProviderOptions, type ResponseFailure } from "@parse/node-apn";
import type { PushStatus } from "@prisma/client";
import { db } from "../db/client";
import { poolSql } from "../db/sql";
import { env } from "@/server/platform/env";
import { decryptSecret } from "@/server/platform/crypto";
import { logger } from "@/server/platform/log";
import type { PassPush, PushOutcome, PushSender } from "./push";
import { signingCredentials } from "./certificates";
import { CONFIGURATION_REASONS } from "./funnel";
import { findPassFile, pkpassFile } from "./pass-file";

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

export interface ApnsSenderOptions {
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

type Result =
  | { kind: "accepted"; apnsId: string | null }
  | { kind: "rejected"; statusCode: number | null; reason: string; apnsId: string | null }
  | { kind: "retry"; statusCode: number | null; reason: string };

const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);

function classify(failure: ResponseFailure & { "apns-id"?: string }): Result {
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

interface Target {
  deviceId: string;
  token: string;
  /** Tries so far, including earlier calls for this version. */
  attempts: number;
  result?: Result;
}

/** Results per statement when recording deliveries. */
const RECORD_BATCH = 2000;

/** Writes the final state of settled targets: one upsert per batch (one row per device and version). */
async function recordResults(batch: Target[], push: PassPush): Promise<void> {
  if (!batch.length) return;
  const status: PushStatus[] = [];
  const code: (number | null)[] = [];
  const apnsId: (string | null)[] = [];
  const reason: (string | null)[] = [];
  for (const t of batch) {
    const r = t.result!;
    status.push(r.kind === "accepted" ? "ACCEPTED" : r.kind === "rejected" ? "REJECTED" : "FAILED");
    code.push(r.kind === "accepted" ? 200 : r.statusCode);
    apnsId.push(r.kind === "retry" ? null : r.apnsId);
    reason.push(r.kind === "accepted" ? null : r.reason);
  }
  await db().$executeRaw`
    INSERT INTO "PushDelivery" ("id", "passId", "deviceId", "versionTag", "correlationId", "status", "statusCode", "apnsId", "reason", "attempts", "updatedAt")
    SELECT gen_random_uuid()::text, ${push.passId}, v.device_id, ${push.versionTag}, ${push.correlationId}, v.status::"PushStatus", v.code, v.apns_id,
           v.reason, v.attempts, now()
    FROM unnest(${batch.map((t) => t.deviceId)}::text[], ${status}::text[], ${code}::int[], ${apnsId}::text[], ${reason}::text[],
                ${batch.map((t) => t.attempts)}::int[]) AS v(device_id, status, code, apns_id, reason, attempts)
    ON CONFLICT ("passId", "versionTag", "deviceId") DO UPDATE SET
      "status" = EXCLUDED."status", "statusCode" = EXCLUDED."statusCode", "apnsId" = EXCLUDED."apnsId", "reason" = EXCLUDED."reason",
      "attempts" = EXCLUDED."attempts", "correlationId" = EXCLUDED."correlationId", "updatedAt" = now()`;
}

/** Collects settled targets and writes them in batches in the background, one statement at a time. */
class ResultWriter {
  private buffer: Target[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly push: PassPush) {}

  add(target: Target): void {
    this.buffer.push(target);
    if (this.buffer.length >= RECORD_BATCH) this.flush();
  }

  private flush(): void {
    const batch = this.buffer;
    this.buffer = [];
    this.chain = this.chain.then(() => recordResults(batch, this.push));
    this.chain.catch(() => {}); // reported by close()
  }

  /** Writes what is left; rejects if any write failed. */
  async close(): Promise<void> {
    this.flush();
    await this.chain;
  }
}

/** The push sender over APNs; install it with `setPushSender(createApnsSender())`. */
export function createApnsSender(opts: ApnsSenderOptions = {}): PushSender & { connections: ApnsConnections } {
  const maxAttempts = opts.maxAttempts ?? 8;
  const baseDelayMs = opts.baseDelayMs ?? 100;
  const maxDelayMs = opts.maxDelayMs ?? 2_000;
  const concurrency = opts.concurrency ?? 500;
  const expirySeconds = opts.expirySeconds ?? 86_400;
  const connections = new ApnsConnections(opts.idleTimeoutMs ?? env.APNS_IDLE_TIMEOUT_SECONDS * 1000);
  const endpoint = opts.endpoint ?? configuredEndpoint();

  /** Pushes to one device until APNs settles it or the tries run out, backing off between tries. */
  async function pushOne(provider: Provider, note: Notification, t: Target): Promise<void> {
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

  /** The connection key and provider options for the tenant's credentials, or why there are none. */
  async function credentialsFor(
    tenant: { id: string; apnsKeyId: string | null; apnsTeamId: string | null; apnsKeyEncrypted: string | null },
    topic: string,
    teamIdentifier: string,
  ): Promise<{ key: string; options: () => ProviderOptions } | { refused: string }> {
    if (tenant.apnsKeyEncrypted && tenant.apnsKeyId && tenant.apnsTeamId) {
      const { apnsKeyId: keyId, apnsTeamId: teamId, apnsKeyEncrypted } = tenant;
      return { key: `token:${tenant.id}:${keyId}`, options: (): ProviderOptions => ({ ...transportOptions(endpoint), token: { key: decryptSecret(apnsKeyEncrypted), keyId, teamId } }) };
    }
    const creds = await signingCredentials(tenant.id, topic, teamIdentifier);
    // Apple refuses a self-signed certificate: say so instead of retrying a TLS failure.
    if (creds.development && endpoint.host === APPLE_APNS_HOST) return { refused: "DevelopmentCertificate" };
    return { key: `cert:${creds.revision}`, options: (): ProviderOptions => ({ ...transportOptions(endpoint), cert: creds.certificatePem, key: creds.privateKeyPem }) };
  }

  async function send(push: PassPush): Promise<PushOutcome> {
    // devices first: a pass no device holds (most of them) costs one cheap statement
    const registrations = await poolSql().query<{ deviceId: string; token: string }>(
      `SELECT r."deviceId", coalesce(r."pushToken", d."pushToken") AS token
         FROM "Registration" r JOIN "Device" d ON d.id = r."deviceId" WHERE r."passId" = $1`,
      [push.passId],
    );
    const outcome: PushOutcome = { devices: registrations.length, accepted: 0, rejected: 0, failed: 0 };
    if (!registrations.length) return outcome;
    const pass = await findPassFile({ passId: push.passId });
    if (!pass) return { ...outcome, devices: 0 };
    if (pass.versionTag > push.versionTag) {
      // A newer version exists; its own push reaches every device, and they fetch the latest.
      logger.info({ passId: pass.id, versionTag: String(push.versionTag), current: String(pass.versionTag) }, "push skipped: superseded by a newer version");
      return { ...outcome, superseded: true };
    }

    // Build this version now, so the downloads the push triggers are served from the cache.
    await pkpassFile(pass).catch((err: Error) => logger.warn({ passId: pass.id, err: err.message }, "could not pre-build the pass before pushing"));

    const existing = await db().pushDelivery.findMany({
      where: { passId: pass.id, versionTag: push.versionTag },
      select: { deviceId: true, status: true, attempts: true },
    });
    const byDevice = new Map(existing.map((d) => [d.deviceId, d]));
    const targets: Target[] = [];
    for (const r of registrations) {
      const d = byDevice.get(r.deviceId);
      // Already settled for this version (an earlier call): counted, not pushed again.
      if (d?.status === "ACCEPTED") outcome.accepted++;
      else if (d?.status === "REJECTED") outcome.rejected++;
      else targets.push({ deviceId: r.deviceId, token: r.token, attempts: d?.attempts ?? 0 });
    }
    if (!targets.length) return outcome;

    const topic = pass.passType.passTypeIdentifier;
    const tenant = await db().tenant.findUniqueOrThrow({ where: { id: pass.tenantId }, select: { id: true, apnsKeyId: true, apnsTeamId: true, apnsKeyEncrypted: true } });
    const credentials = await credentialsFor(tenant, topic, pass.passType.teamIdentifier);
    let provider: Provider | undefined;
    let refused = "refused" in credentials ? credentials.refused : undefined;
    if ("key" in credentials) {
      try {
        provider = connections.acquire(credentials.key, credentials.options);
      } catch (err) {
        // node-apn refuses the credentials before any request (key mismatch, expired, environment).
        refused = "BadCertificate";
        logger.error({ tenantId: pass.tenantId, topic, err: (err as Error).message }, "APNs credentials unusable");
      }
    }
    const writer = new ResultWriter(push);
    if (provider) {
      const note = new WalletNotification(topic, expirySeconds);
      try {
        await eachLimit(targets, concurrency, async (t) => {
          await pushOne(provider, note, t);
          writer.add(t);
        });
      } finally {
        if ("key" in credentials) connections.release(credentials.key);
      }
    } else {
      for (const t of targets) {
        t.result = { kind: "rejected", statusCode: null, reason: refused!, apnsId: null };
        writer.add(t);
      }
    }
    await writer.close();

    const gone = targets.filter((t) => t.result?.kind === "rejected" && t.result.statusCode === 410);
    if (gone.length) await db().registration.deleteMany({ where: { passId: pass.id, deviceId: { in: gone.map((t) => t.deviceId) } } });
    const reasons = new Set<string>();
    for (const t of targets) {
      const r = t.result;
      if (r?.kind === "accepted") outcome.accepted++;
      else if (r?.kind === "rejected") {
        outcome.rejected++;
        if ((CONFIGURATION_REASONS as readonly string[]).includes(r.reason)) reasons.add(r.reason);
      } else outcome.failed++;
    }
    if (reasons.size) {
      outcome.configurationProblem = [...reasons].join(", ");
      logger.warn({ tenantId: pass.tenantId, topic, reasons: [...reasons] }, "APNs rejected pushes for a configuration reason: check the tenant's certificate and APNs environment");
    }
    return outcome;
  }

  return { send, connections };
}
