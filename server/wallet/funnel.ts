/**
 * The delivery funnel of a push, for support ("the webhook worked but the phone shows old
 * points"), one model for the push pipeline, the web service and the console: APNs accepted it
 * (apns-id) → the device asked for updated serial numbers and this pass was listed (`listedAt`)
 * → the device downloaded the pass (`downloadedAt`, 200 or 304) → or nothing happened within
 * the stall window (stalled).
 *
 * Apple's "get the latest version of a pass" request carries the pass's token but not the
 * device, so a download is credited to the earliest listed-but-not-downloaded delivery of that
 * pass: counts are exact, the device of a download is the most likely one. Credits are written
 * behind in small batches (see `markDownloaded`), and flushed before a listing is recorded, so a
 * download is never credited to a delivery listed after it (in this process).
 */
import type { PushStatus } from "@prisma/client";
import { db } from "../db/client";
import { poolSql } from "../db/sql";
import { logger } from "@/server/platform/log";

/** Marks the deliveries of `passIds` to `deviceId` as listed (the device asked for updates). */
export async function markListed(deviceId: string, passIds: string[]): Promise<void> {
  if (!passIds.length) return;
  await poolSql().query(
    `UPDATE "PushDelivery" SET "listedAt" = now(), "updatedAt" = now()
      WHERE "deviceId" = $1 AND "passId" = ANY($2::text[]) AND status = 'ACCEPTED' AND "listedAt" IS NULL`,
    [deviceId, passIds],
  );
}

/** Credits `codes.length` downloads of one pass to its earliest listed, not yet downloaded deliveries. */
async function creditDownloads(passId: string, codes: number[]): Promise<void> {
  await poolSql().query(
    `WITH pick AS (
       SELECT id, "listedAt" FROM "PushDelivery"
        WHERE "passId" = $1 AND "listedAt" IS NOT NULL AND "downloadedAt" IS NULL
        ORDER BY "listedAt", id LIMIT $2 FOR UPDATE SKIP LOCKED),
     numbered AS (SELECT id, row_number() OVER (ORDER BY "listedAt", id) AS n FROM pick)
     UPDATE "PushDelivery" AS d SET "downloadedAt" = now(), "downloadCode" = v.code, "updatedAt" = now()
       FROM numbered JOIN unnest($3::int[]) WITH ORDINALITY AS v(code, n) ON v.n = numbered.n
      WHERE d.id = numbered.id`,
    [passId, codes.length, codes],
  );
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

/** After APNs accepted a push, how long the device may take to fetch the pass before it counts as stalled. */
export const STALL_AFTER_MS = 10 * 60_000;

/** Where one push got to: accepted by APNs → the device listed the serial → it downloaded the pass, or stalled. */
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
  sentAt: Date;
  listedAt: Date | null;
  downloadedAt: Date | null;
  downloadCode: number | null;
}

/** The stage of one delivery at `now` (ms); accepted or listed deliveries older than `stallAfterMs` are stalled. */
export function funnelStage(
  d: { status: PushStatus; createdAt: Date; listedAt: Date | null; downloadedAt: Date | null },
  now: number,
  stallAfterMs = STALL_AFTER_MS,
): FunnelStage {
  if (d.status === "QUEUED") return "queued";
  if (d.status === "REJECTED") return "rejected";
  if (d.status === "FAILED") return "failed";
  if (d.downloadedAt) return "downloaded";
  if (now - d.createdAt.getTime() > stallAfterMs) return "stalled";
  return d.listedAt ? "listed" : "accepted";
}

/** Deliveries at each step (a downloaded push also counts as accepted and listed). */
export function funnelCounts(stages: FunnelStage[]) {
  const count = (...s: FunnelStage[]) => stages.filter((x) => s.includes(x)).length;
  return {
    accepted: count("accepted", "listed", "downloaded", "stalled"),
    listed: count("listed", "downloaded"),
    downloaded: count("downloaded"),
    stalled: count("stalled"),
    rejected: count("rejected"),
    failed: count("failed"),
    queued: count("queued"),
  };
}

/** The pass's last `limit` pushes (default 100), newest first, each with its stage, and their counts (the console's pass page). */
export async function passDeliveryFunnel(passId: string, opts: { limit?: number; now?: Date } = {}): Promise<{ deliveries: FunnelEntry[]; counts: ReturnType<typeof funnelCounts> }> {
  const rows = await db().pushDelivery.findMany({
    where: { passId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: opts.limit ?? 100,
    include: { device: { select: { deviceLibraryIdentifier: true } } },
  });
  const now = (opts.now ?? new Date()).getTime();
  const deliveries = rows.map((d) => ({
    deliveryId: d.id,
    deviceLibraryIdentifier: d.device.deviceLibraryIdentifier,
    versionTag: d.versionTag.toString(),
    status: d.status,
    stage: funnelStage(d, now),
    apnsId: d.apnsId,
    statusCode: d.statusCode,
    reason: d.reason,
    attempts: d.attempts,
    correlationId: d.correlationId,
    sentAt: d.createdAt,
    listedAt: d.listedAt,
    downloadedAt: d.downloadedAt,
    downloadCode: d.downloadCode,
  }));
  return { deliveries, counts: funnelCounts(deliveries.map((d) => d.stage)) };
}
