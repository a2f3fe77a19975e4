/**
 * The push pipeline of a changed pass version (the pass-notify function calls `send` once per
 * `pass.changed`; a publication calls `sendRange` once per batch of passes): one look at the pass and its registrations; nothing to do when the pass is
 * gone, a newer version superseded this one (that version's own push reaches every device, and
 * they fetch the latest), or no device holds it. Otherwise the version is built (so the
 * downloads the push triggers hit the cache), each device not yet settled for this version is
 * pushed through the transport (./apns.ts) and every push becomes a PushDelivery row.
 *
 * - PushDelivery: ACCEPTED with the apns-id, REJECTED with APNs' reason, or FAILED, with its
 *   attempts; written as results arrive, 2,000 per statement. A device already accepted or
 *   rejected for this version is not pushed again, so a retried run only retries what failed.
 * - A pass whose customer was erased (server/customers/erasure.ts) is pushed once more, its
 *   voided version, like any change: the devices fetch it and show the pass voided; its
 *   registrations are dropped when the erasure's grace period ends.
 * - 410 Unregistered drops that registration. BadDeviceToken, TopicDisallowed and other setup
 *   reasons are reported as the tenant's configuration problem (./config-problems.ts), never
 *   used to delete registrations in bulk.
 * - Every push sent is counted by its outcome (`passflow_pushes_total`: accepted, unregistered,
 *   rejected, failed).
 */
import type { PushStatus } from "@prisma/client";
import { db } from "../db/client";
import { poolSql } from "../db/sql";
import { decryptSecret } from "@/server/platform/crypto";
import { logger } from "@/server/platform/log";
import { metrics } from "@/server/platform/metrics";
import type { ApnsCredentials, PushTarget, PushTransport } from "./apns";
import { signingCredentials } from "./signing";
import { isConfigurationReason } from "./config-problems";
import { findPassFile, pkpassFile } from "./pass-file";

export interface PassPush {
  passId: string;
  versionTag: bigint;
  correlationId: string;
}

export type PushOutcome =
  | {
      /** Registrations the pass had. */
      devices: number;
      accepted: number;
      rejected: number;
      /** Pushes still failing after the transport's retries; sending the version again pushes only these. */
      failed: number;
      /** APNs rejected pushes for a reason that points at the tenant's setup (e.g. "BadDeviceToken"). */
      configurationProblem?: string;
    }
  | { skipped: "superseded" | "pass_not_found" };

/** One batch of a publication (server/passes/publish.ts): the live passes of a type with ids in (after, upTo]. */
export interface PassRangePush {
  tenantId: string;
  passTypeId: string;
  /** Exclusive lower bound (null: from the first pass). */
  after: string | null;
  /** Inclusive upper bound. */
  upTo: string;
  /** At most this many pushes per second (the tenant's publishPushesPerSecond). */
  pushesPerSecond: number;
  correlationId: string;
}

/** A range's pushes: devices of its passes, settled now or before for the pass's current version. */
export interface RangePushOutcome {
  devices: number;
  accepted: number;
  rejected: number;
  failed: number;
  configurationProblem?: string;
}

export interface PushSender {
  send(push: PassPush): Promise<PushOutcome>;
  /**
   * Pushes the current version of every live pass in a range to each of its devices not yet
   * settled (accepted or rejected) for that version, paced at `pushesPerSecond`. The version is
   * not pre-built (a publication's passes are built when their devices download them).
   */
  sendRange(range: PassRangePush): Promise<RangePushOutcome>;
}

/** Results per statement when recording deliveries. */
const RECORD_BATCH = 2000;

const STATUS: Record<NonNullable<PushTarget["result"]>["kind"], PushStatus> = { accepted: "ACCEPTED", rejected: "REJECTED", retry: "FAILED" };

/** A device to push one pass version to. */
interface DeliveryTarget extends PushTarget {
  passId: string;
  versionTag: bigint;
}

/** Writes the final state of settled targets: one upsert per batch (one row per device and version). */
async function recordResults(batch: DeliveryTarget[], correlationId: string): Promise<void> {
  if (!batch.length) return;
  const results = batch.map((t) => t.result!);
  // node-postgres, as every statement of a pushUpdate's path (server/db/sql.ts)
  await poolSql().query(
    `INSERT INTO "PushDelivery" ("id", "passId", "deviceId", "versionTag", "correlationId", "status", "statusCode", "apnsId", "reason", "attempts", "updatedAt")
     SELECT gen_random_uuid()::text, v.pass_id, v.device_id, v.version_tag, $1, v.status::"PushStatus", v.code, v.apns_id, v.reason, v.attempts, now()
       FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[], $6::int[], $7::text[], $8::text[], $9::int[])
         AS v(pass_id, device_id, version_tag, status, code, apns_id, reason, attempts)
     ON CONFLICT ("passId", "versionTag", "deviceId") DO UPDATE SET
       "status" = EXCLUDED."status", "statusCode" = EXCLUDED."statusCode", "apnsId" = EXCLUDED."apnsId", "reason" = EXCLUDED."reason",
       "attempts" = EXCLUDED."attempts", "correlationId" = EXCLUDED."correlationId", "updatedAt" = now()`,
    [
      correlationId,
      batch.map((t) => t.passId),
      batch.map((t) => t.deviceId),
      batch.map((t) => t.versionTag.toString()),
      results.map((r) => STATUS[r.kind]),
      results.map((r) => (r.kind === "accepted" ? 200 : r.statusCode)),
      results.map((r) => (r.kind === "retry" ? null : r.apnsId)),
      results.map((r) => (r.kind === "accepted" ? null : r.reason)),
      batch.map((t) => t.attempts),
    ],
  );
}

/** Collects settled targets and writes them in batches in the background, one statement at a time. */
class DeliveryWriter {
  private buffer: DeliveryTarget[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly correlationId: string) {}

  add(target: DeliveryTarget): void {
    this.buffer.push(target);
    if (this.buffer.length >= RECORD_BATCH) this.flush();
  }

  private flush(): void {
    const batch = this.buffer;
    this.buffer = [];
    this.chain = this.chain.then(() => recordResults(batch, this.correlationId));
    this.chain.catch(() => {}); // reported by close()
  }

  /** Writes what is left; rejects if any write failed. */
  async close(): Promise<void> {
    this.flush();
    await this.chain;
  }
}

/** Counts settled targets into `outcome`; the APNs reasons that point at the tenant's setup. */
function tally(targets: PushTarget[], outcome: { accepted: number; rejected: number; failed: number }): Set<string> {
  const reasons = new Set<string>();
  const sent = { accepted: 0, unregistered: 0, rejected: 0, failed: 0 };
  for (const { result } of targets) {
    if (result?.kind === "accepted") sent.accepted++;
    else if (result?.kind === "rejected") {
      sent[result.statusCode === 410 ? "unregistered" : "rejected"]++;
      if (isConfigurationReason(result.reason)) reasons.add(result.reason);
    } else sent.failed++;
  }
  for (const [kind, count] of Object.entries(sent)) if (count) metrics().pushes.inc({ outcome: kind }, count);
  outcome.accepted += sent.accepted;
  outcome.rejected += sent.unregistered + sent.rejected;
  outcome.failed += sent.failed;
  return reasons;
}

/** Drops the registrations APNs answered 410 Unregistered for. */
async function dropUnregistered(targets: DeliveryTarget[]): Promise<void> {
  const gone = targets.filter((t) => t.result?.kind === "rejected" && t.result.statusCode === 410);
  if (!gone.length) return;
  await db().$executeRaw`
    DELETE FROM "Registration" r USING unnest(${gone.map((t) => t.passId)}::text[], ${gone.map((t) => t.deviceId)}::text[]) AS g(pass_id, device_id)
     WHERE r."passId" = g.pass_id AND r."deviceId" = g.device_id`;
}

function warnConfiguration(tenantId: string, topic: string, reasons: Set<string>): string | undefined {
  if (!reasons.size) return undefined;
  logger.warn({ tenantId, topic, reasons: [...reasons] }, "APNs rejected pushes for a configuration reason: check the tenant's certificate and APNs environment");
  return [...reasons].join(", ");
}

/** The tenant's APNs credentials: its .p8 auth key when configured, else the pass type's signing certificate. */
async function credentialsFor(tenantId: string, topic: string, teamIdentifier: string): Promise<ApnsCredentials> {
  const [tenant] = await poolSql().query<{ apnsKeyId: string | null; apnsTeamId: string | null; apnsKeyEncrypted: string | null }>(
    `SELECT "apnsKeyId", "apnsTeamId", "apnsKeyEncrypted" FROM "Tenant" WHERE id = $1`,
    [tenantId],
  );
  if (!tenant) throw new Error(`no tenant ${tenantId}`);
  if (tenant.apnsKeyEncrypted && tenant.apnsKeyId && tenant.apnsTeamId) {
    return { kind: "token", key: `token:${tenantId}:${tenant.apnsKeyId}`, privateKeyPem: decryptSecret(tenant.apnsKeyEncrypted), keyId: tenant.apnsKeyId, teamId: tenant.apnsTeamId };
  }
  const creds = await signingCredentials(tenantId, topic, teamIdentifier);
  return { kind: "certificate", key: `cert:${creds.revision}`, certificatePem: creds.certificatePem, privateKeyPem: creds.privateKeyPem, development: creds.development };
}

/** The push pipeline over `transport` (the APNs transport in the app; a test transport in tests). */
export function createPushSender(transport: PushTransport): PushSender {
  async function send(push: PassPush): Promise<PushOutcome> {
    // the one check: the pass's version, its devices (most passes are on no device yet) and what each got of this version
    const rows = await poolSql().query<{ versionTag: string; erased: boolean; deviceId: string | null; token: string | null; status: PushStatus | null; attempts: number | null }>(
      `SELECT p."versionTag"::text AS "versionTag", p."erasedAt" IS NOT NULL AS erased, r."deviceId", coalesce(r."pushToken", d."pushToken") AS token,
              pd.status::text AS status, pd.attempts
         FROM "Pass" p LEFT JOIN "Registration" r ON r."passId" = p.id LEFT JOIN "Device" d ON d.id = r."deviceId"
         LEFT JOIN "PushDelivery" pd ON pd."passId" = p.id AND pd."versionTag" = $2::bigint AND pd."deviceId" = r."deviceId"
        WHERE p.id = $1`,
      [push.passId, push.versionTag.toString()],
    );
    if (!rows.length) return { skipped: "pass_not_found" };
    if (BigInt(rows[0]!.versionTag) > push.versionTag) return { skipped: "superseded" };
    const erased = rows[0]!.erased;
    const registrations = rows.filter((r): r is (typeof rows)[number] & { deviceId: string; token: string } => r.deviceId !== null);
    const outcome = { devices: registrations.length, accepted: 0, rejected: 0, failed: 0 };
    if (!registrations.length) return outcome;
    const pass = await findPassFile({ passId: push.passId }, { includeErased: erased });
    if (!pass) return { skipped: "pass_not_found" };
    await pkpassFile(pass).catch((err: Error) => logger.warn({ passId: pass.id, err: err.message }, "could not pre-build the pass before pushing"));

    const targets: DeliveryTarget[] = [];
    for (const r of registrations) {
      if (r.status === "ACCEPTED") outcome.accepted++;
      else if (r.status === "REJECTED") outcome.rejected++;
      else targets.push({ passId: pass.id, versionTag: push.versionTag, deviceId: r.deviceId, token: r.token, attempts: r.attempts ?? 0 });
    }
    if (!targets.length) return outcome;

    const topic = pass.passType.passTypeIdentifier;
    const writer = new DeliveryWriter(push.correlationId);
    await transport.push({ credentials: await credentialsFor(pass.tenantId, topic, pass.passType.teamIdentifier), topic, targets }, (t) => writer.add(t as DeliveryTarget));
    await writer.close();
    await dropUnregistered(targets);
    const problem = warnConfiguration(pass.tenantId, topic, tally(targets, outcome));
    return problem ? { ...outcome, configurationProblem: problem } : outcome;
  }

  async function sendRange(range: PassRangePush): Promise<RangePushOutcome> {
    const outcome = { devices: 0, accepted: 0, rejected: 0, failed: 0 };
    // every registration of the range's live passes with the current version's delivery, if any (one batch of a publication)
    const rows = await poolSql().query<{ passId: string; versionTag: string; deviceId: string; token: string; status: PushStatus | null; attempts: number | null }>(
      `SELECT p.id AS "passId", p."versionTag"::text AS "versionTag", r."deviceId", coalesce(r."pushToken", d."pushToken") AS token, pd.status::text AS status, pd.attempts
         FROM "Pass" p
         JOIN "Registration" r ON r."passId" = p.id
         JOIN "Device" d ON d.id = r."deviceId"
         LEFT JOIN "PushDelivery" pd ON pd."passId" = p.id AND pd."versionTag" = p."versionTag" AND pd."deviceId" = r."deviceId"
        WHERE p."passTypeId" = $1 AND p.id > coalesce($2::text, '') AND p.id <= $3 AND NOT p.voided AND p."erasedAt" IS NULL`,
      [range.passTypeId, range.after, range.upTo],
    );
    outcome.devices = rows.length;
    const targets: DeliveryTarget[] = [];
    for (const r of rows) {
      if (r.status === "ACCEPTED") outcome.accepted++;
      else if (r.status === "REJECTED") outcome.rejected++;
      else targets.push({ passId: r.passId, versionTag: BigInt(r.versionTag), deviceId: r.deviceId, token: r.token, attempts: r.attempts ?? 0 });
    }
    if (!targets.length) return outcome;
    const passType = await db().passType.findUniqueOrThrow({ where: { id: range.passTypeId }, select: { passTypeIdentifier: true, teamIdentifier: true } });
    const topic = passType.passTypeIdentifier;
    const credentials = await credentialsFor(range.tenantId, topic, passType.teamIdentifier);
    // paced: slices of a tenth of a second's pushes, each recorded before the next is sent, so a
    // crash leaves at most one slice in doubt (sent again after the restart)
    const slice = Math.max(1, Math.ceil(range.pushesPerSecond / 10));
    const started = performance.now();
    for (let i = 0; i < targets.length; i += slice) {
      const part = targets.slice(i, i + slice);
      const writer = new DeliveryWriter(range.correlationId);
      await transport.push({ credentials, topic, targets: part }, (t) => writer.add(t as DeliveryTarget));
      await writer.close();
      const due = started + ((i + part.length) / range.pushesPerSecond) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await dropUnregistered(targets);
    const problem = warnConfiguration(range.tenantId, topic, tally(targets, outcome));
    return problem ? { ...outcome, configurationProblem: problem } : outcome;
  }
  return { send, sendRange };
}
