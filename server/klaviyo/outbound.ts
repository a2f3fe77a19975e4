/**
 * Wallet status and events back in Klaviyo: what the KLAVIYO_EVENT and KLAVIYO_PROFILE sync
 * tasks send for one PassEvent (queued with it by server/passes/events.ts recordPassEvent), with
 * the tenant's Klaviyo private API key (Tenant.klaviyoApiKeyEncrypted, scopes events:write and
 * profiles:write).
 *
 * Events (Klaviyo metrics), `unique_id` = the PassEvent id (a retry or replay counts once), `time`
 * = when it happened:
 *   ISSUED → "Pass Issued"; INSTALLED → "Added to Apple Wallet" / "Added to Google Wallet";
 *   REMOVED → "Removed from Apple Wallet" / "Removed from Google Wallet"; UPDATED → "Pass Updated"
 *   with `changed_keys` and `changes` (the new values, read from the PassChange of the version).
 * Event properties: pass_type, pass_type_identifier, serial_number, and wallet for the wallet ones.
 *
 * Profile properties, written when a pass is issued and when its install state changes, named per
 * pass type key K (`profilePropertyNames`): passflow_K_url (the Add to Wallet page),
 * passflow_K_pkpass_url, passflow_K_links_expire_at, passflow_K_serial_number,
 * passflow_K_pass_type (the pass type's name) and passflow_K_state (issued / installed / removed:
 * the pass's latest INSTALLED or REMOVED event at the time the task runs, so tasks that run out of
 * order still leave the current state).
 *
 * The profile is the customer's: Klaviyo profile id when known, else email, phone_number and
 * external_id (the merchant's customerId), whichever the Customer row has.
 *
 * Rate limits: Klaviyo's per account (a tenant's key is one account), counted on the shared
 * limiters (server/platform/rate-limit.ts: Redis with REDIS_URL): events 350/s burst and
 * 3,500/min steady, profile import 75/s and 700/min. Over them the task is retried after the
 * window's remainder (RetriableTaskError klaviyo_throttled with retryAfterSeconds), as for
 * Klaviyo's own 429 (server/klaviyo/api.ts). An event whose pass, customer or PassEvent is gone
 * (erasure, retention) is skipped: nothing is sent.
 */
import type { PassEventKind, WalletPlatform } from "@prisma/client";
import { db } from "../db/client";
import { decryptSecret } from "@/server/platform/crypto";
import { FinalTaskError, RetriableTaskError } from "@/server/platform/errors";
import { limiter } from "@/server/platform/rate-limit";
import { passLinks } from "@/server/wallet/links";
import { getTenant } from "@/server/tenants/tenants";
import { createKlaviyoEvent, importKlaviyoProfile, testKlaviyoKey, type KlaviyoKeyCheck, type KlaviyoProfileIdentity } from "./api";
import { z } from "zod";

/** Input of a KLAVIYO_EVENT or KLAVIYO_PROFILE task. */
export const klaviyoOutboundInput = z.object({ passEventId: z.string() });
export type KlaviyoOutboundInput = z.infer<typeof klaviyoOutboundInput>;

const WALLET: Record<WalletPlatform, string> = { APPLE: "Apple Wallet", GOOGLE: "Google Wallet" };

/** The Klaviyo metric of a pass event, or null for kinds not sent (page opened, downloaded). */
export function metricName(kind: PassEventKind, platform: WalletPlatform | null): string | null {
  switch (kind) {
    case "ISSUED":
      return "Pass Issued";
    case "UPDATED":
      return "Pass Updated";
    case "INSTALLED":
      return `Added to ${WALLET[platform ?? "APPLE"]}`;
    case "REMOVED":
      return `Removed from ${WALLET[platform ?? "APPLE"]}`;
    default:
      return null;
  }
}

/** Every metric Passflow sends (README). */
export const METRIC_NAMES = ["Pass Issued", "Added to Apple Wallet", "Removed from Apple Wallet", "Added to Google Wallet", "Removed from Google Wallet", "Pass Updated"] as const;

/** The profile property names of pass type `passTypeKey` (module comment). */
export function profilePropertyNames(passTypeKey: string) {
  const p = `passflow_${passTypeKey}`;
  return {
    url: `${p}_url`,
    pkpassUrl: `${p}_pkpass_url`,
    linksExpireAt: `${p}_links_expire_at`,
    serialNumber: `${p}_serial_number`,
    passType: `${p}_pass_type`,
    state: `${p}_state`,
  };
}

/** What a task sent (its output). */
export type KlaviyoOutboundResult =
  | { sent: true; status: number; metric?: string; uniqueId?: string; profileId?: string | null; properties?: string[] }
  | { skipped: "event_gone" | "customer_gone" | "no_identifier" | "not_sent" };

interface LoadedEvent {
  id: string;
  kind: PassEventKind;
  platform: WalletPlatform | null;
  detail: Record<string, unknown> | null;
  occurredAt: Date;
  tenant: { id: string; slug: string; klaviyoApiKeyEncrypted: string | null };
  pass: { id: string; serialNumber: string; erasedAt: Date | null; passType: { key: string; name: string; passTypeIdentifier: string } };
  customer: { email: string | null; phone: string | null; customerId: string | null; klaviyoProfileId: string | null; erasedAt: Date | null };
}

async function loadEvent(passEventId: string): Promise<LoadedEvent | null> {
  const row = await db().passEvent.findUnique({
    where: { id: passEventId },
    select: {
      id: true,
      kind: true,
      platform: true,
      detail: true,
      occurredAt: true,
      tenant: { select: { id: true, slug: true, klaviyoApiKeyEncrypted: true } },
      pass: {
        select: {
          id: true,
          serialNumber: true,
          erasedAt: true,
          passType: { select: { key: true, name: true, passTypeIdentifier: true } },
          customer: { select: { email: true, phone: true, customerId: true, klaviyoProfileId: true, erasedAt: true } },
        },
      },
    },
  });
  if (!row) return null;
  const { customer, ...pass } = row.pass;
  return { ...row, detail: row.detail as Record<string, unknown> | null, pass, customer };
}

/** The profile a customer is in Klaviyo (module comment), or null when it has no identifier. */
export function profileIdentity(customer: LoadedEvent["customer"]): KlaviyoProfileIdentity | null {
  if (customer.klaviyoProfileId) return { id: customer.klaviyoProfileId };
  const identity: KlaviyoProfileIdentity = {
    ...(customer.email ? { email: customer.email } : {}),
    ...(customer.phone ? { phone_number: customer.phone } : {}),
    ...(customer.customerId ? { external_id: customer.customerId } : {}),
  };
  return Object.keys(identity).length ? identity : null;
}

function apiKeyOf(tenant: LoadedEvent["tenant"]): string {
  if (!tenant.klaviyoApiKeyEncrypted) {
    throw new FinalTaskError("klaviyo_not_configured", `tenant ${tenant.slug} has no Klaviyo private API key; set one (tenant update --klaviyo-api-key-stdin), then replay`);
  }
  return decryptSecret(tenant.klaviyoApiKeyEncrypted);
}

/**
 * Counts one call against the tenant's Klaviyo limits for `endpoint`.
 * @throws RetriableTaskError klaviyo_throttled with the seconds until the window frees a call
 */
async function throttle(tenantId: string, endpoint: "events" | "profiles"): Promise<void> {
  const limits = endpoint === "events" ? [[350, 1], [3500, 60]] : [[75, 1], [700, 60]];
  for (const [points, seconds] of limits) {
    const l = await limiter(`klaviyo-${endpoint}`, points!, seconds);
    try {
      await l.consume(tenantId);
    } catch (res) {
      if (res instanceof Error) throw res;
      const wait = Math.max(1, Math.ceil((res as { msBeforeNext: number }).msBeforeNext / 1000));
      throw new RetriableTaskError("klaviyo_throttled", `over Klaviyo's ${points} calls per ${seconds} s for /api/${endpoint === "events" ? "events" : "profile-import"}`, wait);
    }
  }
}

/** Property values of what an UPDATED event changed: each changed key's new value (metadata by key only). */
async function updatedProperties(passId: string, detail: Record<string, unknown> | null): Promise<Record<string, unknown>> {
  const changedKeys = Array.isArray(detail?.changedKeys) ? (detail.changedKeys as string[]) : [];
  const versionTag = typeof detail?.versionTag === "string" ? detail.versionTag : null;
  const change = versionTag ? await db().passChange.findFirst({ where: { passId, versionTag: BigInt(versionTag) }, select: { changes: true } }) : null;
  const stored = (change?.changes ?? {}) as Record<string, { after?: unknown }>;
  const changes: Record<string, unknown> = {};
  for (const key of changedKeys) if (key !== "metadata" && stored[key]) changes[key] = stored[key]!.after ?? null;
  return { changed_keys: changedKeys, changes };
}

/**
 * Sends the event of the task's PassEvent to Klaviyo (module comment).
 * @throws FinalTaskError klaviyo_not_configured, klaviyo_key_rejected, klaviyo_rejected;
 *   RetriableTaskError klaviyo_throttled, klaviyo_unavailable (server/klaviyo/api.ts)
 */
export async function sendKlaviyoEvent(input: KlaviyoOutboundInput): Promise<KlaviyoOutboundResult> {
  const event = await loadEvent(input.passEventId);
  if (!event) return { skipped: "event_gone" };
  if (event.customer.erasedAt || event.pass.erasedAt) return { skipped: "customer_gone" };
  const metric = metricName(event.kind, event.platform);
  if (!metric) return { skipped: "not_sent" };
  const profile = profileIdentity(event.customer);
  if (!profile) return { skipped: "no_identifier" };
  const apiKey = apiKeyOf(event.tenant);
  const properties: Record<string, unknown> = {
    pass_type: event.pass.passType.key,
    pass_type_identifier: event.pass.passType.passTypeIdentifier,
    serial_number: event.pass.serialNumber,
    ...(event.platform && (event.kind === "INSTALLED" || event.kind === "REMOVED") ? { wallet: WALLET[event.platform] } : {}),
    ...(event.kind === "UPDATED" ? await updatedProperties(event.pass.id, event.detail) : {}),
  };
  await throttle(event.tenant.id, "events");
  const { status } = await createKlaviyoEvent(apiKey, { metric, profile, properties, time: event.occurredAt.toISOString(), uniqueId: event.id });
  return { sent: true, status, metric, uniqueId: event.id };
}

/** The install state of a pass: its latest INSTALLED or REMOVED event, else issued. */
async function installState(passId: string): Promise<"issued" | "installed" | "removed"> {
  const latest = await db().passEvent.findFirst({ where: { passId, kind: { in: ["INSTALLED", "REMOVED"] } }, orderBy: [{ occurredAt: "desc" }, { id: "desc" }], select: { kind: true } });
  return latest?.kind === "INSTALLED" ? "installed" : latest?.kind === "REMOVED" ? "removed" : "issued";
}

/**
 * Writes the pass's links, serial number, pass type and install state onto the customer's
 * Klaviyo profile (Create or Update Profile; module comment for the names).
 * @throws as sendKlaviyoEvent
 */
export async function sendKlaviyoProfile(input: KlaviyoOutboundInput): Promise<KlaviyoOutboundResult> {
  const event = await loadEvent(input.passEventId);
  if (!event) return { skipped: "event_gone" };
  if (event.customer.erasedAt || event.pass.erasedAt) return { skipped: "customer_gone" };
  const profile = profileIdentity(event.customer);
  if (!profile) return { skipped: "no_identifier" };
  const apiKey = apiKeyOf(event.tenant);
  const names = profilePropertyNames(event.pass.passType.key);
  const links = await passLinks({ tenant: event.tenant.id, serialNumber: event.pass.serialNumber });
  const properties = {
    [names.url]: links.page,
    [names.pkpassUrl]: links.pkpass,
    [names.linksExpireAt]: links.expiresAt,
    [names.serialNumber]: event.pass.serialNumber,
    [names.passType]: event.pass.passType.name,
    [names.state]: await installState(event.pass.id),
  };
  await throttle(event.tenant.id, "profiles");
  const { status, profileId } = await importKlaviyoProfile(apiKey, profile, properties);
  return { sent: true, status, profileId, properties: Object.keys(properties) };
}

/**
 * "Test connection": proves the tenant's stored Klaviyo private API key and its two scopes with
 * calls that write nothing (server/klaviyo/api.ts testKlaviyoKey).
 * @throws DomainError tenant_not_found
 */
export async function testTenantKlaviyoKey(tenantRef: string): Promise<KlaviyoKeyCheck> {
  const tenant = await getTenant(tenantRef);
  const row = await db().tenant.findUniqueOrThrow({ where: { id: tenant.id }, select: { klaviyoApiKeyEncrypted: true } });
  if (!row.klaviyoApiKeyEncrypted) return { ok: false, reason: "no Klaviyo private API key is set" };
  return testKlaviyoKey(decryptSecret(row.klaviyoApiKeyEncrypted));
}
