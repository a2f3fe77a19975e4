/**
 * The delivery funnel of a push, for support ("the webhook worked but the phone shows old
 * points"): APNs accepted it (apns-id) → the device asked for updated serial numbers and this
 * pass was listed (`listedAt`) → the device downloaded the pass (`downloadedAt`, 200 or 304) → or
 * nothing happened within the stall window.
 *
 * Apple's "get the latest version of a pass" request carries the pass's token but not the
 * device, so a download is credited to the earliest listed-but-not-downloaded delivery of that
 * pass: counts are exact, the device of a download is the most likely one. Credits are written
 * behind in small batches (see `markDownloaded`), and flushed before a listing is recorded, so a
 * download is never credited to a delivery listed after it (in this process).
 */
import type { PushStatus } from "@prisma/client";
import { db } from "../db/client";
import { logger } from "@/server/platform/log";

/** Marks the deliveries of `passIds` to `deviceId` as listed (the device asked for updates). */
export async function markListed(deviceId: string, passIds: string[]): Promise<void> {
  if (!passIds.length) return;
  await db().pushDelivery.updateMany({
    where: { deviceId, passId: { in: passIds }, status: "ACCEPTED", listedAt: null },
    data: { listedAt: new Date() },
  });
}

/** Credits `codes.length` downloads of one pass to its earliest listed, not yet downloaded deliveries. */
async function creditDownloads(passId: string, codes: number[]): Promise<void> {
  await db().$executeRaw`
    WITH pick AS (
      SELECT id, "listedAt" FROM "PushDelivery"
      WHERE "passId" = ${passId} AND "listedAt" IS NOT NULL AND "downloadedAt" IS NULL
      ORDER BY "listedAt", id LIMIT ${codes.length} FOR UPDATE SKIP LOCKED),
    numbered AS (SELECT id, row_number() OVER (ORDER BY "listedAt", id) AS n FROM pick)
    UPDATE "PushDelivery" AS d SET "downloadedAt" = now(), "downloadCode" = v.code, "updatedAt" = now()
    FROM numbered JOIN unnest(${codes}::int[]) WITH ORDINALITY AS v(code, n) ON v.n = numbered.n
    WHERE d.id = numbered.id`;
}

const FLUSH_MS = 50;
const pendingCredits = new Map<string, number[]>();
let flushTimer: NodeJS.Timeout | undefined;
/** The flush in progress, if any: flushes run one after another. */
let flushing: Promise<void> = Promise.resolve();

/**
 * Writes the downloads credited since the last flush (one statement per pass). Resolves once
 * every credit taken before the call is written, including those of a flush already under way
 * (the 50 ms timer's): a listing recorded after it can never receive an earlier download.
 */
export function flushDownloadCredits(): Promise<void> {
  clearTimeout(flushTimer);
  flushTimer = undefined;
  const batch = [...pendingCredits];
  pendingCredits.clear();
  flushing = flushing.then(async () => {
    for (const [passId, codes] of batch) {
      await creditDownloads(passId, codes).catch((err: Error) => logger.warn({ passId, err: err.message }, "could not record pass downloads in the delivery funnel"));
    }
  });
  return flushing;
}

/**
 * Credits one download (200) or up-to-date answer (304) of `passId` to a listed delivery. Written
 * behind, batched every 50 ms: a download costs no extra database round trip, and 1,000 devices
 * fetching a pass cost a handful of statements. A crash loses at most the last 50 ms of credits.
 */
export function markDownloaded(passId: string, code: 200 | 304): void {
  const codes = pendingCredits.get(passId);
  if (codes) codes.push(code);
  else pendingCredits.set(passId, [code]);
  if (!flushTimer) {
    flushTimer = setTimeout(() => void flushDownloadCredits(), FLUSH_MS);
    flushTimer.unref();
  }
}

export type FunnelStage = "queued" | "rejected" | "failed" | "accepted" | "listed" | "downloaded" | "stalled";

export interface FunnelEntry {
  deliveryId: string;
  deviceLibraryIdentifier: string;
  versionTag: string;
  status: PushStatus;
  stage: FunnelStage;
  apnsId: string | null;
  statusCode: number | null;
  reason: string | null;
  attempts: number;
  correlationId: string | null;
  pushedAt: string;
  listedAt: string | null;
  downloadedAt: string | null;
  downloadCode: number | null;
}

/** Where a delivery stands; accepted or listed deliveries older than `stallAfterMs` are stalled. */
export function funnelStage(
  d: { status: PushStatus; createdAt: Date; listedAt: Date | null; downloadedAt: Date | null },
  now: number,
  stallAfterMs: number,
): FunnelStage {
  if (d.status === "QUEUED") return "queued";
  if (d.status === "REJECTED") return "rejected";
  if (d.status === "FAILED") return "failed";
  if (d.downloadedAt) return "downloaded";
  if (now - d.createdAt.getTime() > stallAfterMs) return "stalled";
  return d.listedAt ? "listed" : "accepted";
}

/**
 * The pass's pushes, newest first, each with its funnel stage (the console's pass page).
 * @param opts.stallMinutes minutes after which an accepted push with no download is stalled (10)
 */
export async function passDeliveryFunnel(passId: string, opts: { limit?: number; stallMinutes?: number } = {}): Promise<FunnelEntry[]> {
  const rows = await db().pushDelivery.findMany({
    where: { passId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: opts.limit ?? 100,
    include: { device: { select: { deviceLibraryIdentifier: true } } },
  });
  const now = Date.now();
  const stallAfterMs = (opts.stallMinutes ?? 10) * 60_000;
  return rows.map((d) => ({
    deliveryId: d.id,
    deviceLibraryIdentifier: d.device.deviceLibraryIdentifier,
    versionTag: d.versionTag.toString(),
    status: d.status,
    stage: funnelStage(d, now, stallAfterMs),
    apnsId: d.apnsId,
    statusCode: d.statusCode,
    reason: d.reason,
    attempts: d.attempts,
    correlationId: d.correlationId,
    pushedAt: d.createdAt.toISOString(),
    listedAt: d.listedAt?.toISOString() ?? null,
    downloadedAt: d.downloadedAt?.toISOString() ?? null,
    downloadCode: d.downloadCode,
  }));
}

/** APNs reasons that mean the tenant's setup is wrong (environment, certificate, topic), not the device. */
export const CONFIGURATION_REASONS = [
  "BadDeviceToken",
  "TopicDisallowed",
  "DeviceTokenNotForTopic",
  "BadCertificate",
  "BadCertificateEnvironment",
  "MissingTopic",
  "BadTopic",
  "InvalidProviderToken",
  "MissingProviderToken",
  "Forbidden",
  "DevelopmentCertificate",
] as const;

export interface WalletConfigProblem {
  reason: string;
  /** Rejected pushes with this reason in the window. */
  count: number;
  lastAt: string;
  /** What an operator should check. */
  hint: string;
}

const HINTS: Record<string, string> = {
  BadDeviceToken: "push tokens do not match the APNs environment: Wallet passes use production APNs (api.push.apple.com)",
  TopicDisallowed: "APNs refuses the topic: the Pass Type ID certificate (or .p8 key's team) does not match the pass type identifier",
  DeviceTokenNotForTopic: "the device token belongs to another topic: check the pass type identifier",
  BadCertificate: "APNs refused the certificate: import the Pass Type ID certificate again",
  BadCertificateEnvironment: "the certificate is for the other APNs environment",
  InvalidProviderToken: "the .p8 key, key id or team id is wrong",
  DevelopmentCertificate: "the pass type still uses Passflow's development certificate, which Apple refuses: import the Pass Type ID certificate (`cert import`)",
};

/**
 * A tenant's APNs configuration problems in the last `hours` (default 24): rejected pushes whose
 * reason points at the setup rather than one device. Empty when all is well.
 */
export async function walletConfigProblems(tenantId: string, hours = 24): Promise<WalletConfigProblem[]> {
  const since = new Date(Date.now() - hours * 3_600_000);
  const groups = await db().pushDelivery.groupBy({
    by: ["reason"],
    where: { status: "REJECTED", reason: { in: [...CONFIGURATION_REASONS] }, createdAt: { gte: since }, pass: { tenantId } },
    _count: { _all: true },
    _max: { createdAt: true },
  });
  return groups.map((g) => ({
    reason: g.reason!,
    count: g._count._all,
    lastAt: g._max.createdAt!.toISOString(),
    hint: HINTS[g.reason!] ?? "check the tenant's Pass Type ID certificate and APNs settings",
  }));
}
