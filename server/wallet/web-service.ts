/**
 * The PassKit web service (Apple "Wallet Passes web service" reference; "Adding a web service to
 * update passes"), tenant-scoped: every pass's webServiceURL is `{PUBLIC_URL}/api/{tenant}/passkit`.
 *
 *   POST   v1/devices/{device}/registrations/{passTypeId}/{serial}   register: 201 new, 200 known
 *   DELETE v1/devices/{device}/registrations/{passTypeId}/{serial}   unregister: 200
 *   GET    v1/devices/{device}/registrations/{passTypeId}?passesUpdatedSince={tag}
 *          200 { serialNumbers, lastUpdated } or 204 when nothing changed
 *   GET    v1/passes/{passTypeId}/{serial}                           latest .pkpass, 304 if unchanged
 *   POST   v1/log                                                    device log messages: 200
 *
 * Requests about one pass carry `Authorization: ApplePass <authenticationToken>`, compared in
 * constant time; a wrong or missing token, or an unknown pass, is 401. A pass whose customer was
 * erased is served voided and empty to the devices still registered for it (so they show it
 * voided) and is an unknown pass once the erasure's grace period has dropped its registrations
 * (server/customers/erasure.ts). Malformed ids, bodies over
 * the limit and bad JSON are 4xx before anything is written.
 *
 * Update tags. `lastUpdated` is a JSON string (a number breaks updates on devices): a PostgreSQL
 * snapshot (`pg_current_snapshot()`, text form `xmin:xmax:in-progress-ids`) taken just before
 * the listing query. Each pass records the id of the transaction that gave it its current version
 * (`versionXid`, set by a trigger). A device that sends tag S is given every registered pass whose
 * version was not visible in S (`NOT pg_visible_in_snapshot(versionXid, S)`): exactly the changes
 * committed after its previous listing looked. Changes whose versionTag was taken before but
 * committed after a listed one, and two changes in one second, are never skipped; long-running
 * unrelated transactions make nothing be listed twice. Only a change committing in the instant
 * between the tag's snapshot and the listing's is listed again next time (the device then gets
 * 304).
 */
import { z } from "zod";
import { db } from "../db/client";
import { poolSql, prismaTransaction, type Sql } from "../db/sql";
import { recordPassEvent, type QueuedTask } from "../passes/events";
import { dispatchTasks } from "@/inngest/dispatch";
import { decryptSecret, safeEqual } from "@/server/platform/crypto";
import { getTenant } from "../tenants/tenants";
import { PassKitError } from "./errors";
import { parseJson } from "@/server/platform/http/body";
import { flushDownloadCredits, markDownloaded, markListed } from "./funnel";
import { findPassFile, lastModified, pkpassFile, type PassFileRecord } from "./pass-file";

const TENANT_REF = /^[a-z0-9][a-z0-9-]{0,63}$/;
const DEVICE_ID = /^[A-Za-z0-9-]{1,128}$/;
const PASS_TYPE_ID = /^[A-Za-z0-9][A-Za-z0-9.-]{0,254}$/;
const SERIAL = /^[A-Za-z0-9._:@-]{1,128}$/;
/** A pg_snapshot in text form: xmin:xmax:xip,xip,… (bounded: at most a few hundred running ids). */
const UPDATE_TAG = /^\d{1,19}:\d{1,19}:(\d{1,19}(,\d{1,19}){0,999})?$/;
const APPLE_PASS = /^ApplePass ([\x21-\x7e]{16,512})$/;

/** Body limits: a registration is a push token, a log batch a few messages. */
export const REGISTER_MAX_BYTES = 4 * 1024;
export const LOG_MAX_BYTES = 64 * 1024;

function check(value: string, pattern: RegExp, what: string): string {
  if (!pattern.test(value)) throw new PassKitError(400, `malformed ${what}`);
  return value;
}

function checkTenant(ref: string): string {
  if (!TENANT_REF.test(ref)) throw new PassKitError(404, "unknown tenant");
  return ref;
}

/** The ids in a web service URL about one pass. */
export interface PassAddress {
  tenant: string;
  passTypeIdentifier: string;
  serialNumber: string;
}

/**
 * Loads the addressed pass and checks the `Authorization: ApplePass` token in constant time.
 * @throws PassKitError 400 malformed ids, 401 no/wrong token or no such pass, 404 unknown tenant
 */
async function authenticatedPass(address: PassAddress, authorization: string | null): Promise<PassFileRecord> {
  const tenant = checkTenant(address.tenant);
  const passTypeIdentifier = check(address.passTypeIdentifier, PASS_TYPE_ID, "pass type identifier");
  const serialNumber = check(address.serialNumber, SERIAL, "serial number");
  const token = authorization?.match(APPLE_PASS)?.[1];
  // an erased pass answers, voided and empty, only to the devices still holding it
  const pass = await findPassFile({ serialNumber, tenant, passTypeIdentifier }, { includeErased: "registered" });
  if (!pass) {
    await getTenant(tenant); // 404 for an unknown tenant, 401 otherwise
    throw new PassKitError(401);
  }
  if (!token || !safeEqual(decryptSecret(pass.authenticationTokenEncrypted), token)) throw new PassKitError(401);
  return pass;
}

const registerBody = z.object({ pushToken: z.string().regex(/^[0-9a-fA-F]{64,200}$/, "pushToken must be hex") });

/**
 * Registers a device for update notifications of a pass (Apple: "Register a pass for update
 * notifications"). Stores the push token on the registration and as the device's latest. The
 * pass's first registered device records INSTALLED (APPLE) in the same transaction, once per
 * registration (a repeated register is no new install).
 * @param bodyText the raw JSON body `{ "pushToken": "<hex>" }`
 * @returns 201 when the device was not registered for the pass, 200 when it was
 * @throws PassKitError 400 (ids, push token), 401, 404; HttpProblem 400 (not JSON)
 */
export async function registerDevice(input: PassAddress & { deviceLibraryIdentifier: string; authorization: string | null; bodyText: string }): Promise<201 | 200> {
  const deviceLibraryIdentifier = check(input.deviceLibraryIdentifier, DEVICE_ID, "device library identifier");
  const pass = await authenticatedPass(input, input.authorization);
  const body = registerBody.safeParse(parseJson(input.bodyText));
  if (!body.success) throw new PassKitError(400, "the body must be { \"pushToken\": \"<hex>\" }");
  const pushToken = body.data.pushToken.toLowerCase();
  const outbox: QueuedTask[] = [];
  const status = await prismaTransaction(async (tx, sql) => {
    await lockRegistrations(sql, pass.id);
    const device = await tx.device.upsert({
      where: { deviceLibraryIdentifier },
      create: { deviceLibraryIdentifier, pushToken },
      update: { pushToken },
      select: { id: true },
    });
    const [created] = await sql.query<{ id: string }>(
      `INSERT INTO "Registration" (id, "deviceId", "passId", "pushToken", "createdAt") VALUES (gen_random_uuid()::text, $1, $2, $3, now() AT TIME ZONE 'UTC')
       ON CONFLICT ("deviceId", "passId") DO NOTHING RETURNING id`,
      [device.id, pass.id, pushToken],
    );
    if (!created) {
      await tx.registration.update({ where: { deviceId_passId: { deviceId: device.id, passId: pass.id } }, data: { pushToken } });
      return 200 as const;
    }
    // the pass's first device: it is in Apple Wallet now
    if ((await tx.registration.count({ where: { passId: pass.id } })) === 1) {
      await recordPassEvent(sql, { tenantId: pass.tenantId, passId: pass.id, passTypeId: pass.passType.id, kind: "INSTALLED", platform: "APPLE", dedupeKey: `installed:apple:${created.id}`, outbox });
    }
    return 201 as const;
  });
  await dispatchTasks(outbox);
  return status;
}

/**
 * Serializes registration changes of one pass (to the end of the transaction), so "first device"
 * and "last device" are decided once when devices register or unregister at the same moment.
 */
async function lockRegistrations(sql: Sql, passId: string): Promise<void> {
  await sql.query(`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext('pass-registrations'), hashtext($1::text))`, [passId]);
}

/**
 * Unregisters a device from a pass's updates (Apple: "Unregister a pass for update
 * notifications"). 200 whether or not it was registered. When the pass's last device goes, the
 * same transaction records REMOVED (APPLE).
 * @throws PassKitError 400, 401, 404
 */
export async function unregisterDevice(input: PassAddress & { deviceLibraryIdentifier: string; authorization: string | null }): Promise<200> {
  const deviceLibraryIdentifier = check(input.deviceLibraryIdentifier, DEVICE_ID, "device library identifier");
  const pass = await authenticatedPass(input, input.authorization);
  const outbox: QueuedTask[] = [];
  await prismaTransaction(async (tx, sql) => {
    await lockRegistrations(sql, pass.id);
    const deleted = await sql.query<{ id: string }>(
      `DELETE FROM "Registration" r USING "Device" d WHERE r."deviceId" = d.id AND r."passId" = $1 AND d."deviceLibraryIdentifier" = $2 RETURNING r.id`,
      [pass.id, deviceLibraryIdentifier],
    );
    // the pass's last device is gone: it was removed from Apple Wallet
    if (deleted[0] && (await tx.registration.count({ where: { passId: pass.id } })) === 0) {
      await recordPassEvent(sql, { tenantId: pass.tenantId, passId: pass.id, passTypeId: pass.passType.id, kind: "REMOVED", platform: "APPLE", dedupeKey: `removed:apple:${deleted[0].id}`, outbox });
    }
  });
  await dispatchTasks(outbox);
  return 200;
}

export type UpdatedSerials = { status: 204 } | { status: 200; body: { serialNumbers: string[]; lastUpdated: string } };

/**
 * The serial numbers of the device's passes of this pass type changed since `passesUpdatedSince`
 * (all of them when absent), with the tag to send next time (Apple: "Get the list of updatable
 * passes"). Marks the listed passes' pushes as listed (delivery funnel). See the module comment
 * for why the tags are exact.
 * @throws PassKitError 400 malformed ids or tag, 404 unknown tenant
 */
export async function listUpdatedSerials(input: {
  tenant: string;
  deviceLibraryIdentifier: string;
  passTypeIdentifier: string;
  passesUpdatedSince: string | null;
}): Promise<UpdatedSerials> {
  const tenant = await getTenant(checkTenant(input.tenant));
  const deviceLibraryIdentifier = check(input.deviceLibraryIdentifier, DEVICE_ID, "device library identifier");
  const passTypeIdentifier = check(input.passTypeIdentifier, PASS_TYPE_ID, "pass type identifier");
  const since = input.passesUpdatedSince ? check(input.passesUpdatedSince, UPDATE_TAG, "passesUpdatedSince tag") : null;
  // One statement on node-postgres (a listing follows every push): the device, the tag and the
  // passes changed since `since`. pg_current_snapshot() is the statement's own snapshot, so the
  // tag claims exactly what the listing saw.
  let found: { deviceId: string; tag: string; passes: [id: string, serialNumber: string][] } | undefined;
  try {
    [found] = await poolSql().query<NonNullable<typeof found>>(
      `SELECT d.id AS "deviceId", pg_current_snapshot()::text AS tag,
              (SELECT coalesce(json_agg(json_build_array(p.id, p."serialNumber") ORDER BY p."serialNumber"), '[]')
                 FROM "Registration" r
                 JOIN "Pass" p ON p.id = r."passId"
                 JOIN "PassType" t ON t.id = p."passTypeId"
                WHERE r."deviceId" = d.id AND p."tenantId" = $2 AND t."passTypeIdentifier" = $3
                  AND ($4::text IS NULL OR p."versionXid" IS NULL
                       OR NOT pg_visible_in_snapshot(p."versionXid"::text::xid8, $4::text::pg_snapshot))) AS passes
         FROM "Device" d WHERE d."deviceLibraryIdentifier" = $1`,
      [deviceLibraryIdentifier, tenant.id, passTypeIdentifier, since],
    );
  } catch (err) {
    // a tag of the right shape PostgreSQL still refuses (xmin > xmax, ids out of order)
    if (since && /snapshot/i.test((err as Error).message)) throw new PassKitError(400, "malformed passesUpdatedSince tag");
    throw err;
  }
  if (!found?.passes.length) return { status: 204 };
  const { deviceId, tag, passes } = found;
  // downloads answered before this listing are credited first, so none lands on this listing's deliveries
  await flushDownloadCredits();
  await markListed(deviceId, passes.map(([id]) => id));
  return { status: 200, body: { serialNumbers: passes.map(([, serialNumber]) => serialNumber), lastUpdated: tag } };
}

export type LatestPass =
  | { status: 304; lastModified: Date }
  | { status: 200; lastModified: Date; body: Buffer; cached: boolean; serialNumber: string };

/**
 * The latest version of a pass (Apple: "Send an updated pass"), 304 when `If-Modified-Since` is
 * not older than the version's Last-Modified. Voided passes download too (`voided: true`).
 * Credits the download to the pass's delivery funnel.
 * @throws PassKitError 400, 401, 404; WalletConfigError when the tenant cannot sign
 */
export async function latestPass(input: PassAddress & { authorization: string | null; ifModifiedSince: string | null }): Promise<LatestPass> {
  const pass = await authenticatedPass(input, input.authorization);
  const modified = lastModified(pass);
  const since = input.ifModifiedSince ? Date.parse(input.ifModifiedSince) : NaN;
  if (!Number.isNaN(since) && modified.getTime() <= since) {
    markDownloaded(pass.id, 304);
    return { status: 304, lastModified: modified };
  }
  const file = await pkpassFile(pass);
  markDownloaded(pass.id, 200);
  return { status: 200, lastModified: modified, body: file.body, cached: file.cached, serialNumber: pass.serialNumber };
}

const logBody = z.object({ logs: z.array(z.string().max(10_000).refine((m) => !m.includes("\u0000"))).max(100) });

/**
 * Stores messages a device posts to the log endpoint (Apple: "Log a message"), each with the
 * tenant and, when the message names one of the tenant's passes ("serial number …"), that pass
 * and its device if it has exactly one.
 * @returns the number of messages stored
 * @throws PassKitError 400 (shape), 404 unknown tenant; HttpProblem 400 (not JSON)
 */
export async function recordLogs(input: { tenant: string; bodyText: string }): Promise<number> {
  const tenant = await getTenant(checkTenant(input.tenant));
  const body = logBody.safeParse(parseJson(input.bodyText));
  if (!body.success) throw new PassKitError(400, "the body must be { \"logs\": [\"…\"] } with at most 100 messages");
  const serialOf = (m: string) => m.match(/serial number ([A-Za-z0-9._:@-]{1,128})/)?.[1];
  const serials = [...new Set(body.data.logs.map(serialOf).filter((s): s is string => !!s))];
  const passes = serials.length
    ? await db().pass.findMany({
        where: { tenantId: tenant.id, serialNumber: { in: serials } },
        select: { id: true, serialNumber: true, registrations: { select: { deviceId: true }, take: 2 } },
      })
    : [];
  const bySerial = new Map(passes.map((p) => [p.serialNumber, p]));
  const data = body.data.logs.map((message) => {
    const pass = bySerial.get(serialOf(message) ?? "");
    return {
      tenantId: tenant.id,
      passId: pass?.id ?? null,
      deviceId: pass?.registrations.length === 1 ? pass.registrations[0]!.deviceId : null,
      message,
    };
  });
  if (data.length) await db().passKitLog.createMany({ data });
  return data.length;
}
