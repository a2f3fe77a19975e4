/** Tenants as the console and the CLI list and inspect them: never a secret, only whether one is set. */
import type { Prisma } from "@prisma/client";
import { z } from "zod";
import { db } from "../db/client";
import { getTenant, secretEnding } from "../tenants/tenants";
import { DEFAULT_PAGE_SIZE, pageArgs, pageFields, toPage } from "@/server/db/pagination";
import { latestPublishes } from "@/server/passes/publish";
import { walletConfigProblems } from "@/server/wallet/config-problems";
import { googleIssuerSummary } from "@/server/wallet/google/objects";

/** A certificate expiring within this many days is flagged. */
export const CERTIFICATE_WARNING_DAYS = 30;

export const tenantListInput = z.object({
  /** Part of the slug or name. */
  q: z.string().min(1).optional(),
  ...pageFields,
});

const tenantRowSelect = {
  id: true,
  slug: true,
  name: true,
  status: true,
  klaviyoEnabled: true,
  defaultPhoneRegion: true,
  customIdentifierKeys: true,
  createdAt: true,
  _count: { select: { passes: true, customers: true } },
} satisfies Prisma.TenantSelect;

/** One page of tenants, newest first (console and CLI). */
export async function listTenants(input: { q?: string; cursor?: string; limit?: number }) {
  const where: Prisma.TenantWhereInput = input.q
    ? { OR: [{ slug: { contains: input.q, mode: "insensitive" } }, { name: { contains: input.q, mode: "insensitive" } }] }
    : {};
  const page = { cursor: input.cursor, limit: input.limit ?? DEFAULT_PAGE_SIZE };
  const rows = await db().tenant.findMany({ where, select: tenantRowSelect, ...pageArgs(page) });
  return toPage(rows, page.limit);
}

/** Every tenant's slug and name (filter choices). */
export async function tenantChoices() {
  return db().tenant.findMany({ select: { slug: true, name: true }, orderBy: { slug: "asc" }, take: 500 });
}

/** `ok`, `expiring` (within CERTIFICATE_WARNING_DAYS) or `expired`. */
export function certificateState(expiresAt: Date, now = new Date()): "ok" | "expiring" | "expired" {
  if (expiresAt <= now) return "expired";
  return expiresAt.getTime() - now.getTime() <= CERTIFICATE_WARNING_DAYS * 86_400_000 ? "expiring" : "ok";
}

const tenantDetailSelect = {
  id: true,
  slug: true,
  name: true,
  status: true,
  klaviyoEnabled: true,
  merchantSyncUrl: true,
  defaultPhoneRegion: true,
  customIdentifierKeys: true,
  notProvidedValues: true,
  tenantRequestsPerMinute: true,
  apiKeyRequestsPerMinute: true,
  retentionDays: true,
  rawBodyRetentionDays: true,
  notificationsPerDay: true,
  notificationSpacingMinutes: true,
  publishPushesPerSecond: true,
  passLinkTtlDays: true,
  apnsKeyId: true,
  apnsTeamId: true,
  createdAt: true,
  updatedAt: true,
  // read only to say whether they are set; removed before returning
  klaviyoWebhookSecretEncrypted: true,
  klaviyoWebhookSecretPrevEncrypted: true,
  merchantSyncSecretEncrypted: true,
  apnsKeyEncrypted: true,
  klaviyoApiKeyEncrypted: true,
  apiKeys: {
    select: { id: true, name: true, prefix: true, scopes: true, lastUsedAt: true, revokedAt: true, createdAt: true },
    orderBy: { createdAt: "desc" },
  },
  passTypes: {
    select: { id: true, key: true, name: true, style: true, passTypeIdentifier: true, teamIdentifier: true, fields: true, _count: { select: { passes: true } } },
    orderBy: { key: "asc" },
  },
  certificates: {
    select: { id: true, passTypeIdentifier: true, teamIdentifier: true, development: true, expiresAt: true, createdAt: true },
    orderBy: { expiresAt: "asc" },
  },
  _count: { select: { passes: true, customers: true } },
} satisfies Prisma.TenantSelect;

/** A tenant's integration status, API keys, pass types and their latest publications, throttling limits, retention and notification settings, certificates. @throws DomainError tenant_not_found */
export async function getTenantDetail(ref: string, now = new Date()) {
  const { id } = await getTenant(ref);
  const t = await db().tenant.findUniqueOrThrow({ where: { id }, select: tenantDetailSelect });
  const { klaviyoWebhookSecretEncrypted, klaviyoWebhookSecretPrevEncrypted, merchantSyncSecretEncrypted, apnsKeyEncrypted, klaviyoApiKeyEncrypted, certificates, ...rest } = t;
  return {
    ...rest,
    integration: {
      klaviyoEnabled: t.klaviyoEnabled,
      webhookSecretSet: !!klaviyoWebhookSecretEncrypted,
      previousWebhookSecretSet: !!klaviyoWebhookSecretPrevEncrypted,
      merchantSyncUrl: t.merchantSyncUrl,
      merchantSyncSecretSet: !!merchantSyncSecretEncrypted,
      apnsTokenKeySet: !!apnsKeyEncrypted,
      /** The Klaviyo private API key's last 4 characters when one is set (the key itself is never shown). */
      klaviyoApiKeyEnding: secretEnding(klaviyoApiKeyEncrypted),
    },
    certificates: certificates.map((c) => ({ ...c, state: certificateState(c.expiresAt, now) })),
    /** APNs rejections of the last 24 h that point at the tenant's setup (certificate, topic, environment). */
    pushProblems: await walletConfigProblems(id),
    /** The latest publication of each pass type: progress, pushes, muted notices, estimate to finish. */
    publications: await latestPublishes(id),
    /** Google Wallet: the issuer, its classes and their review status, configuration warnings. */
    google: await googleIssuerSummary(id),
  };
}
