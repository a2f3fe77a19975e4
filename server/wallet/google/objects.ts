/**
 * Google Wallet for a tenant's passes: the issuer's classes and objects, the "Save to Google
 * Wallet" link and the PATCH of a changed pass version.
 *
 * - A tenant uses Google Wallet when it has both an issuer id and a service account key
 *   (`tenant update --google-issuer-id … --google-service-account-stdin`); otherwise every
 *   function here answers "not configured" and writes nothing.
 * - `ensureGoogleClass`: inserts the pass type's class (409: it exists, then PATCHed), or PATCHes
 *   it when the pass type's published revision changed since it was last written.
 * - `ensureGoogleObject`: inserts the pass's object (the class first); 409 → read and kept.
 * - `googleSaveLink`: `https://pay.google.com/gp/v/save/<jwt>`, the JWT (RS256, the service
 *   account key) carrying only the object id, so the link stays short (Google: "Save to Google
 *   Wallet" JWTs over about 1,800 characters may fail in some browsers).
 * - `syncGoogleObject`: one PATCH per pass version with the keys that changed; an alerting change
 *   sets `notifyPreference: NOTIFY_ON_UPDATE` while the object had fewer than 3 notifying
 *   updates in 24 h (Google's limit, beyond which it answers 403 quotaExceeded), else it is sent
 *   silently: the platform's part of the notification budget (GoogleWalletPatch.notified).
 */
import type { Tenant } from "@prisma/client";
import { randomUUID } from "node:crypto";
import { SignJWT, importPKCS8 } from "jose";
import { inngest } from "@/inngest/client";
import { googleObjectSyncEvent } from "@/inngest/events";
import { db } from "../../db/client";
import { decryptSecret } from "@/server/platform/crypto";
import { logger } from "@/server/platform/log";
import { definitionOf } from "@/server/pass-types/definition";
import type { GoogleServiceAccount } from "@/server/tenants/tenants";
import { DomainError } from "@/server/platform/errors";
import { getTenant } from "../../tenants/tenants";
import { findPassFile, publicBaseUrl } from "../pass-file";
import { GoogleApiError, googleWalletClient, pkcs8, type GoogleWalletClient } from "./api";
import { changedKeys, googleClass, googleClassId, googleKind, googleObject, googleObjectId, googlePreview, savePayloadKey, type GoogleKind, type GooglePreview } from "./mapping";

/** Google's limit of notifying updates per object (https://developers.google.com/wallet/retail/loyalty-cards/use-cases/trigger-push-notifications). */
export const GOOGLE_NOTIFICATIONS_PER_DAY = 3;
/** The save link's base (https://developers.google.com/wallet/generic/web). */
export const SAVE_URL = "https://pay.google.com/gp/v/save/";

/** A tenant's Google Wallet issuer, decrypted. */
export interface GoogleIssuer {
  tenantId: string;
  tenantSlug: string;
  issuerId: string;
  account: GoogleServiceAccount;
  client: GoogleWalletClient;
}

/** Test hook: the client options every issuer's client is made with. */
let clientOptions: Parameters<typeof googleWalletClient>[1] = {};
export function setGoogleClientOptions(opts: Parameters<typeof googleWalletClient>[1]): void {
  clientOptions = opts;
}

/** The tenant's issuer, or null when it has no issuer id or no service account key. */
export function googleIssuer(tenant: Pick<Tenant, "id" | "slug" | "googleIssuerId" | "googleServiceAccountEncrypted">): GoogleIssuer | null {
  if (!tenant.googleIssuerId || !tenant.googleServiceAccountEncrypted) return null;
  const account = JSON.parse(decryptSecret(tenant.googleServiceAccountEncrypted)) as GoogleServiceAccount;
  return { tenantId: tenant.id, tenantSlug: tenant.slug, issuerId: tenant.googleIssuerId, account, client: googleWalletClient(account, clientOptions) };
}

async function issuerOfTenant(tenantId: string): Promise<GoogleIssuer | null> {
  const tenant = await db().tenant.findUnique({ where: { id: tenantId } });
  return tenant ? googleIssuer(tenant) : null;
}

/** The public URL of a pass type image (app/api/[tenantId]/pass-types/[key]/images/[name]), versioned by revision so Google refetches a changed one. */
export function passTypeImageUrl(tenantSlug: string, passTypeKey: string, revision: number | null) {
  return (name: string) => `${publicBaseUrl()}/api/${tenantSlug}/pass-types/${encodeURIComponent(passTypeKey)}/images/${name}?v=${revision ?? 0}`;
}

/** Where Google sends a tenant's save and delete callbacks. */
export function googleCallbackUrl(tenantSlug: string): string {
  return `${publicBaseUrl()}/api/${tenantSlug}/google-wallet/callback`;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Writes the pass type's class when it is missing or older than the published revision.
 * `force`: write it even when it looks current (a publication, or Google lost it).
 * @returns the class id and kind; throws GoogleApiError when Google refuses it (recorded as lastError)
 */
export async function ensureGoogleClass(issuer: GoogleIssuer, passTypeId: string, opts: { force?: boolean } = {}): Promise<{ classId: string; kind: GoogleKind }> {
  const passType = await db().passType.findUniqueOrThrow({ where: { id: passTypeId }, include: { googleClass: true } });
  const definition = definitionOf(passType);
  const kind = googleKind(definition.style);
  const mapped = googleClass({
    issuerId: issuer.issuerId,
    passTypeKey: passType.key,
    definition,
    imageUrl: passTypeImageUrl(issuer.tenantSlug, passType.key, passType.publishedRevision),
    callbackUrl: googleCallbackUrl(issuer.tenantSlug),
  });
  const row = passType.googleClass;
  const current = row && row.classId === mapped.id && row.resource === mapped.resource && row.revision === passType.publishedRevision && !row.lastError && row.syncedAt;
  if (current && !opts.force) return { classId: mapped.id, kind };
  let written: Record<string, unknown>;
  try {
    try {
      written = await issuer.client.insert(mapped.resource, { ...mapped.body, reviewStatus: "UNDER_REVIEW" });
    } catch (err) {
      if (!(err instanceof GoogleApiError && err.status === 409)) throw err;
      written = await issuer.client.patch(mapped.resource, mapped.id, mapped.body);
    }
  } catch (err) {
    await db().googleWalletClass.upsert({
      where: { passTypeId },
      create: { passTypeId, tenantId: issuer.tenantId, classId: mapped.id, resource: mapped.resource, revision: null, lastError: message(err) },
      update: { classId: mapped.id, resource: mapped.resource, lastError: message(err) },
    });
    throw err;
  }
  const reviewStatus = typeof written.reviewStatus === "string" ? written.reviewStatus : null;
  const fields = { classId: mapped.id, resource: mapped.resource, revision: passType.publishedRevision, reviewStatus, lastError: null, syncedAt: new Date() };
  await db().googleWalletClass.upsert({ where: { passTypeId }, create: { passTypeId, tenantId: issuer.tenantId, ...fields }, update: fields });
  return { classId: mapped.id, kind };
}

/**
 * Writes the class of a publication's pass type again (the pass-type-publish function, before
 * its passes): skipped without an issuer; Google refusing it is recorded on the class
 * (GoogleWalletClass.lastError) and logged, never failing the publication.
 */
export async function syncGoogleClassOfPublish(publishId: string): Promise<{ classId: string } | { skipped: "not_configured" | "not_found" } | { error: string }> {
  const publish = await db().passTypePublish.findUnique({ where: { id: publishId }, select: { tenantId: true, passTypeId: true } });
  if (!publish) return { skipped: "not_found" };
  const issuer = await issuerOfTenant(publish.tenantId);
  if (!issuer) return { skipped: "not_configured" };
  try {
    return { classId: (await ensureGoogleClass(issuer, publish.passTypeId, { force: true })).classId };
  } catch (err) {
    logger.warn({ publishId, err: message(err) }, "Google Wallet class not written for the publication");
    return { error: message(err) };
  }
}

/** The pass as the mapping reads it, with its pass type row; null when it is gone. */
async function passForGoogle(passId: string, issuer: GoogleIssuer, now?: Date) {
  const pass = await findPassFile({ passId }, { includeErased: true });
  if (!pass) return null;
  const passType = await db().passType.findUniqueOrThrow({ where: { id: pass.passType.id } });
  const mapped = googleObject({
    issuerId: issuer.issuerId,
    passTypeKey: passType.key,
    definition: definitionOf(passType),
    imageUrl: passTypeImageUrl(issuer.tenantSlug, passType.key, passType.publishedRevision),
    serialNumber: pass.serialNumber,
    data: (pass.data ?? {}) as Record<string, unknown>,
    voided: pass.voided,
    customerId: pass.customer.customerId,
    identifiers: pass.customer.identifiers,
    now,
  });
  return { pass, passType, mapped };
}

/**
 * Inserts the pass's object (and its class first) unless it exists; Google's 409 (it exists
 * there already) reads and keeps it. The row is written under a share lock of the pass, so an
 * update either waits for it (and then sees the object: server/passes/update.ts writePassVersion)
 * or committed a newer version than the object was made from, which is then synced at once.
 * @returns the object id and kind
 */
export async function ensureGoogleObject(issuer: GoogleIssuer, passId: string): Promise<{ objectId: string; kind: GoogleKind; inserted: boolean }> {
  const existing = await db().googleWalletObject.findUnique({ where: { passId } });
  const loaded = await passForGoogle(passId, issuer);
  if (!loaded) throw new DomainError("pass_not_found", `no pass ${passId}`, "serialNumber");
  const { pass, passType, mapped } = loaded;
  const kind = googleKind(definitionOf(passType).style);
  if (existing && existing.objectId === mapped.id && existing.resource === mapped.resource) return { objectId: existing.objectId, kind, inserted: false };
  await ensureGoogleClass(issuer, passType.id);
  let inserted = true;
  try {
    await issuer.client.insert(mapped.resource, mapped.body);
  } catch (err) {
    if (err instanceof GoogleApiError && err.status === 404) {
      // the class is gone at Google (a new mock, a deleted class): write it again, then the object
      await ensureGoogleClass(issuer, passType.id, { force: true });
      await issuer.client.insert(mapped.resource, mapped.body);
    } else if (err instanceof GoogleApiError && err.status === 409) {
      inserted = false;
      await issuer.client.patch(mapped.resource, mapped.id, mapped.body);
    } else throw err;
  }
  const fields = { tenantId: issuer.tenantId, objectId: mapped.id, classId: mapped.classId, resource: mapped.resource, body: mapped.body as object, versionTag: pass.versionTag, state: mapped.state };
  const current = await db().$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<{ versionTag: string }[]>`SELECT "versionTag"::text AS "versionTag" FROM "Pass" WHERE id = ${passId} FOR SHARE`;
    await tx.googleWalletObject.upsert({ where: { passId }, create: { passId, ...fields }, update: fields });
    return locked ? BigInt(locked.versionTag) : pass.versionTag;
  });
  if (current > pass.versionTag) {
    await inngest.send(googleObjectSyncEvent({ passId, tenantId: issuer.tenantId, versionTag: current.toString(), taskId: null, correlationId: randomUUID() }));
  }
  return { objectId: mapped.id, kind, inserted };
}

/** Signs the save JWT for an object (https://developers.google.com/wallet/reference/rest/v1/jwt). */
export async function signSaveJwt(issuer: Pick<GoogleIssuer, "account">, kind: GoogleKind, objectId: string, now = Date.now()): Promise<string> {
  const key = await importPKCS8(pkcs8(issuer.account.private_key), "RS256");
  return new SignJWT({ origins: [new URL(publicBaseUrl()).origin], typ: "savetowallet", payload: { [savePayloadKey(kind)]: [{ id: objectId }] } })
    .setProtectedHeader({ alg: "RS256", typ: "JWT", ...(issuer.account.private_key_id ? { kid: issuer.account.private_key_id } : {}) })
    .setIssuer(issuer.account.client_email)
    .setAudience("google")
    .setIssuedAt(Math.floor(now / 1000))
    .sign(key);
}

/** A pass's "Save to Google Wallet" link. */
export interface GoogleSaveLink {
  url: string;
  objectId: string;
  /** The class and object resources (`loyaltyObject`…). */
  kind: GoogleKind;
}

/**
 * The "Save to Google Wallet" link of a pass (inserting its class and object first when needed),
 * or null when the tenant has no Google Wallet issuer. The one place links are made: the CLI, the
 * issue API and the Add to Wallet page call this.
 * @throws DomainError tenant_not_found, pass_not_found; GoogleApiError when Google refuses
 */
export async function googleSaveLink(input: { tenant: string; serialNumber: string }): Promise<GoogleSaveLink | null> {
  const tenant = await getTenant(input.tenant);
  const issuer = googleIssuer(tenant);
  if (!issuer) return null;
  const pass = await db().pass.findFirst({ where: { tenantId: tenant.id, serialNumber: input.serialNumber, erasedAt: null }, select: { id: true } });
  if (!pass) throw new DomainError("pass_not_found", `tenant ${tenant.slug} has no pass ${JSON.stringify(input.serialNumber)}`, "serialNumber");
  const { objectId, kind } = await ensureGoogleObject(issuer, pass.id);
  return { url: SAVE_URL + (await signSaveJwt(issuer, kind, objectId)), objectId, kind };
}

/**
 * The pass's "Save to Google Wallet" URL for a page or an API answer beside Apple's links: null
 * when the tenant has no issuer, and null (logged) when Google refuses, so that Apple's links are
 * still given.
 */
export async function googleSaveUrl(tenant: string, serialNumber: string): Promise<string | null> {
  try {
    return (await googleSaveLink({ tenant, serialNumber }))?.url ?? null;
  } catch (err) {
    logger.warn({ err, serialNumber }, "no Google Wallet save link");
    return null;
  }
}

/** What `syncGoogleObject` did. */
export type GoogleSyncOutcome =
  | { skipped: "not_configured" | "no_object" | "pass_not_found" | "superseded" | "already_synced" | "unchanged" }
  | { patched: string[]; notified: boolean; mutedReason: string | null; objectId: string; state: string };

/**
 * PATCHes the pass's Google object for pass version `versionTag` (the google-sync function, on
 * `pass.changed`): only the keys that changed; notifying for an alerting change within Google's
 * 3 a day (module comment). Idempotent per version: a version already PATCHed is skipped, and a
 * retry keeps the first attempt's notify decision. A 403 quotaExceeded on a notifying PATCH is
 * sent again silently; a 404 (Google lost the object) inserts it again.
 * @throws GoogleApiError (status, retryable) when Google still refuses
 */
export async function syncGoogleObject(input: { passId: string; tenantId: string; versionTag: bigint; now?: Date }): Promise<GoogleSyncOutcome> {
  const issuer = await issuerOfTenant(input.tenantId);
  if (!issuer) return { skipped: "not_configured" };
  const object = await db().googleWalletObject.findUnique({ where: { passId: input.passId } });
  if (!object) return { skipped: "no_object" };
  if (object.versionTag >= input.versionTag) return { skipped: "already_synced" };
  const loaded = await passForGoogle(input.passId, issuer, input.now);
  if (!loaded) return { skipped: "pass_not_found" };
  const { pass, mapped } = loaded;
  if (pass.versionTag > input.versionTag) return { skipped: "superseded" };
  const before = object.body as Record<string, unknown>;
  const keys = changedKeys(before, mapped.body).filter((k) => k !== "id");
  const done = async () =>
    db().googleWalletObject.update({ where: { passId: input.passId }, data: { body: mapped.body as object, versionTag: pass.versionTag, state: mapped.state, objectId: mapped.id } });
  if (keys.length === 0) {
    await done();
    return { skipped: "unchanged" };
  }

  // the notify decision, made once per version (a retry reuses it)
  let patch = await db().googleWalletPatch.findUnique({ where: { passId_versionTag: { passId: input.passId, versionTag: pass.versionTag } } });
  if (!patch) {
    const change = await db().passChange.findFirst({ where: { passId: input.passId, versionTag: pass.versionTag }, select: { alerting: true, muted: true, mutedReason: true } });
    let notified = false;
    let mutedReason: string | null = null;
    if (change?.alerting) {
      if (change.muted) mutedReason = change.mutedReason ?? "muted";
      else {
        const since = new Date((input.now ?? new Date()).getTime() - 24 * 3600_000);
        const recent = await db().googleWalletPatch.count({ where: { passId: input.passId, notified: true, status: 200, createdAt: { gt: since } } });
        if (recent < GOOGLE_NOTIFICATIONS_PER_DAY) notified = true;
        else mutedReason = "google_daily_limit";
      }
    }
    patch = await db().googleWalletPatch.upsert({
      where: { passId_versionTag: { passId: input.passId, versionTag: pass.versionTag } },
      create: { passId: input.passId, versionTag: pass.versionTag, keys, notified, mutedReason, ...(input.now ? { createdAt: input.now } : {}) },
      update: {},
    });
  }
  const body = Object.fromEntries(keys.map((k) => [k, mapped.body[k] ?? null]));
  const send = (notify: boolean) => issuer.client.patch(mapped.resource, object.objectId, notify ? { ...body, notifyPreference: "NOTIFY_ON_UPDATE" } : body);
  let notified = patch.notified;
  let mutedReason = patch.mutedReason;
  try {
    try {
      await send(notified);
    } catch (err) {
      if (err instanceof GoogleApiError && err.status === 403 && err.reason === "quotaExceeded" && notified) {
        // Google counted more notifications than we did (messages sent elsewhere): never fail for it
        notified = false;
        mutedReason = "google_quota_exceeded";
        await send(false);
      } else if (err instanceof GoogleApiError && err.status === 404) {
        await ensureGoogleClass(issuer, pass.passType.id, { force: true });
        await issuer.client.insert(mapped.resource, mapped.body);
      } else throw err;
    }
  } catch (err) {
    const status = err instanceof GoogleApiError ? err.status : null;
    await db().googleWalletPatch.update({ where: { id: patch.id }, data: { status, error: message(err), attempts: { increment: 1 } } });
    logger.warn({ passId: input.passId, objectId: object.objectId, status, err: message(err) }, "Google Wallet object PATCH failed");
    throw err;
  }
  await db().$transaction([
    db().googleWalletPatch.update({ where: { id: patch.id }, data: { status: 200, error: null, notified, mutedReason, attempts: { increment: 1 } } }),
    db().googleWalletObject.update({ where: { passId: input.passId }, data: { body: mapped.body as object, versionTag: pass.versionTag, state: mapped.state } }),
  ]);
  return { patched: keys, notified, mutedReason, objectId: object.objectId, state: mapped.state };
}

/** The Google side of a pass for `pass show` and the console. */
export interface GooglePassView {
  objectId: string;
  classId: string;
  state: string;
  saved: boolean;
  savedAt: string | null;
  removedAt: string | null;
  lastPatch: { versionTag: string; at: string; status: number | null; error: string | null; notified: boolean; mutedReason: string | null; keys: string[] } | null;
  notifiedLast24h: number;
  /** The card as Google Wallet shows it, from the object as last written and its pass type's class. */
  preview: GooglePreview;
}

/** The pass's Google object as Passflow last wrote it, or null when it has none. */
export async function googlePassView(passId: string, now = new Date()): Promise<GooglePassView | null> {
  const object = await db().googleWalletObject.findUnique({ where: { passId } });
  if (!object) return null;
  const pass = await db().pass.findUniqueOrThrow({ where: { id: passId }, select: { passType: true, tenant: { select: { slug: true } } } });
  const issuerId = object.classId.slice(0, object.classId.indexOf("."));
  const cls = googleClass({
    issuerId,
    passTypeKey: pass.passType.key,
    definition: definitionOf(pass.passType),
    imageUrl: passTypeImageUrl(pass.tenant.slug, pass.passType.key, pass.passType.publishedRevision),
    callbackUrl: googleCallbackUrl(pass.tenant.slug),
  });
  const [last, notifiedLast24h] = await Promise.all([
    db().googleWalletPatch.findFirst({ where: { passId }, orderBy: { createdAt: "desc" } }),
    db().googleWalletPatch.count({ where: { passId, notified: true, status: 200, createdAt: { gt: new Date(now.getTime() - 24 * 3600_000) } } }),
  ]);
  return {
    objectId: object.objectId,
    classId: object.classId,
    state: object.state,
    saved: object.saved,
    savedAt: object.savedAt?.toISOString() ?? null,
    removedAt: object.removedAt?.toISOString() ?? null,
    lastPatch: last && {
      versionTag: last.versionTag.toString(),
      at: last.updatedAt.toISOString(),
      status: last.status,
      error: last.error,
      notified: last.notified,
      mutedReason: last.mutedReason,
      keys: last.keys,
    },
    notifiedLast24h,
    preview: googlePreview(cls.body, object.body as Record<string, unknown>),
  };
}

/** `googlePassView` of a pass named by tenant and serial number (null: no Google object). */
export async function googlePassViewBySerial(tenantRef: string, serialNumber: string): Promise<GooglePassView | null> {
  const tenant = await getTenant(tenantRef);
  const pass = await db().pass.findFirst({ where: { tenantId: tenant.id, serialNumber }, select: { id: true } });
  return pass ? googlePassView(pass.id) : null;
}

/**
 * Checks a tenant's Google Wallet setup against Google: a token for the service account (a bad
 * key fails here) and a read of the first pass type's class (403: the service account is not a
 * user of the issuer; 404: fine, the class is written on first use).
 * @returns ok, or the problem in words; null when the tenant has no issuer
 */
export async function checkGoogleConnection(tenantRef: string): Promise<{ ok: boolean; problem: string | null; serviceAccountEmail: string; issuerId: string } | null> {
  const tenant = await getTenant(tenantRef);
  const issuer = googleIssuer(tenant);
  if (!issuer) return null;
  const passType = await db().passType.findFirst({ where: { tenantId: tenant.id }, orderBy: { key: "asc" }, select: { key: true } });
  const result = (problem: string | null) => ({ ok: problem === null, problem, serviceAccountEmail: issuer.account.client_email, issuerId: issuer.issuerId });
  try {
    await issuer.client.get("loyaltyClass", googleClassId(issuer.issuerId, passType?.key ?? "passflow-check"));
    return result(null);
  } catch (err) {
    if (!(err instanceof GoogleApiError)) throw err;
    if (err.status === 404) return result(null);
    if (err.status === 403) return result(`the service account is not allowed for issuer ${issuer.issuerId} (add it as a user of the issuer in the Google Pay & Wallet Console): ${err.message}`);
    if (err.status === 400 || err.status === 401) return result(`Google refused the service account key: ${err.message}`);
    return result(`Google Wallet did not answer: ${err.message}`);
  }
}

/** A tenant's Google Wallet issuer for the console: its id, service account email, classes and configuration warnings. */
export async function googleIssuerSummary(tenantId: string) {
  const tenant = await db().tenant.findUniqueOrThrow({ where: { id: tenantId } });
  const classes = await db().googleWalletClass.findMany({ where: { tenantId }, include: { passType: { select: { key: true } } }, orderBy: { classId: "asc" } });
  const warnings: string[] = [];
  let serviceAccountEmail: string | null = null;
  if (tenant.googleServiceAccountEncrypted) {
    try {
      serviceAccountEmail = (JSON.parse(decryptSecret(tenant.googleServiceAccountEncrypted)) as GoogleServiceAccount).client_email;
    } catch {
      warnings.push("the stored service account key cannot be read (encryption key changed?): set it again");
    }
  }
  if (tenant.googleIssuerId && !tenant.googleServiceAccountEncrypted) warnings.push("an issuer id without a service account key: Google Wallet is off until the key is set");
  if (!tenant.googleIssuerId && tenant.googleServiceAccountEncrypted) warnings.push("a service account key without an issuer id: Google Wallet is off until the issuer id is set");
  for (const c of classes) {
    if (c.lastError) warnings.push(`class ${c.classId}: ${c.lastError}`);
    if (c.reviewStatus === "REJECTED") warnings.push(`class ${c.classId} was rejected by Google's review`);
  }
  const lastFailures = await db().googleWalletPatch.count({ where: { pass: { tenantId }, status: { not: 200 }, updatedAt: { gt: new Date(Date.now() - 24 * 3600_000) } } });
  if (lastFailures) warnings.push(`${lastFailures} object PATCH${lastFailures === 1 ? "" : "es"} failed in the last 24 h`);
  if (tenant.googleIssuerId && /^http:\/\/(localhost|127\.0\.0\.1)/.test(publicBaseUrl())) warnings.push("PUBLIC_URL is a local address: Google cannot fetch the images or send save callbacks");
  return {
    issuerId: tenant.googleIssuerId,
    serviceAccountEmail,
    configured: !!googleIssuer(tenant),
    classes: classes.map((c) => ({ classId: c.classId, resource: c.resource, passType: c.passType.key, revision: c.revision, reviewStatus: c.reviewStatus, lastError: c.lastError, syncedAt: c.syncedAt })),
    warnings,
  };
}

export { googleObjectId };
