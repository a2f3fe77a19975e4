/**
 * Tenants (merchants). A new tenant starts ready to issue passes: the starter pass types `basic`
 * and `premium`, Klaviyo integration enabled, default phone region US.
 */
import { Prisma, type Tenant } from "@prisma/client";
import { z } from "zod";
import { db } from "../db/client";
import { DomainError } from "@/server/platform/errors";
import { audit } from "@/server/staff/audit";
import { starterPassTypes } from "@/server/pass-types/pass-types";
import { definitionOf } from "@/server/pass-types/definition";
import { decryptSecret, encryptSecret } from "@/server/platform/crypto";
import { env } from "@/server/platform/env";
import { TtlCache } from "@/server/platform/ttl-cache";
import { isSupportedCountry } from "libphonenumber-js";
import { createPrivateKey } from "node:crypto";

/** What domain work reads of a tenant: its id and the settings Klaviyo's values are read with. */
export interface TenantScope {
  id: string;
  defaultPhoneRegion: string;
  customIdentifierKeys: string[];
  /** Values that mean "not provided" besides the blank string (`isNotProvided`), e.g. `-`, `N/A`. */
  notProvidedValues: string[];
}

/** Development Team ID used for pass types until the tenant imports its Apple certificate. */
export const DEV_TEAM_IDENTIFIER = "PFDEVTEAM1";

/**
 * Slugs that name Passflow's own routes under /api (app/api/<name>): a tenant with one of them
 * would never receive its webhooks, `/api/<slug>/…` being served by that route instead.
 */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set(["auth", "console", "executor", "health", "inngest", "ready", "trpc"]);

export const slugSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, "lower-case letters, digits and inner dashes, 1-40 characters")
  .refine((slug) => !RESERVED_SLUGS.has(slug), "is reserved for Passflow's own /api routes");

/** The tenant a reference (slug or id) names, or null. */
export function findTenant(ref: string): Promise<Tenant | null> {
  return db().tenant.findFirst({ where: { OR: [{ slug: ref }, { id: ref }] } });
}

const globalForTenants = globalThis as unknown as { passflowRememberedTenants?: TtlCache<Tenant> };

/**
 * Tenants the Klaviyo listeners read, by the reference (slug or id) a request named, kept for
 * TENANT_CACHE_SECONDS (default 5) from the read (server/klaviyo/listener.ts `requestTenant`). On
 * globalThis, so every route bundle shares it and a change through this process (the console, the
 * API) drops it at once (`forgetTenant`); other processes' copies expire within the TTL.
 */
export function rememberedTenants(): TtlCache<Tenant> {
  return (globalForTenants.passflowRememberedTenants ??= new TtlCache(() => env.TENANT_CACHE_SECONDS * 1000));
}

/** Drops this process's remembered copies of the tenant with id `id` (it just changed). */
export function forgetTenant(id: string): void {
  rememberedTenants().deleteWhere((tenant) => tenant.id === id);
}

/** Finds a tenant by slug or id. @throws DomainError tenant_not_found */
export async function getTenant(ref: string): Promise<Tenant> {
  const tenant = await findTenant(ref);
  if (!tenant) throw new DomainError("tenant_not_found", `no tenant ${JSON.stringify(ref)}`);
  return tenant;
}

export interface CreateTenantInput {
  slug: string;
  name: string;
  customIdentifierKeys?: string[];
  actor: string;
}

/**
 * Creates a tenant with its starter pass types (passTypeIdentifier `pass.dev.passflow.<slug>`),
 * each with its revision 1, published.
 * @throws DomainError invalid_input (bad slug), conflict (slug taken)
 */
export async function createTenant(input: CreateTenantInput): Promise<Tenant> {
  const slug = slugSchema.safeParse(input.slug);
  if (!slug.success) throw new DomainError("invalid_input", `slug ${slug.error.issues[0]!.message}`, "slug");
  const name = input.name.trim();
  if (!name) throw new DomainError("invalid_input", "name must not be empty", "name");
  try {
    return await db().$transaction(async (tx) => {
      const tenant = await tx.tenant.create({
        data: { slug: slug.data, name, customIdentifierKeys: input.customIdentifierKeys ?? [] },
      });
      for (const def of starterPassTypes(name)) {
        await tx.passType.create({
          data: {
            tenantId: tenant.id,
            key: def.key,
            name: def.name,
            style: def.style,
            passTypeIdentifier: `pass.dev.passflow.${slug.data}`,
            teamIdentifier: DEV_TEAM_IDENTIFIER,
            template: def.template as unknown as Prisma.InputJsonObject,
            images: def.images,
            fields: def.fields as unknown as Prisma.InputJsonArray,
            publishedRevision: 1,
            revisions: {
              create: { number: 1, definition: definitionOf(def) as unknown as Prisma.InputJsonObject, changes: ["definition"], actor: input.actor, message: "starter pass type", publishedAt: new Date() },
            },
          },
        });
      }
      await audit({ actor: input.actor, action: "tenant.create", targetType: "Tenant", targetId: tenant.id, tenantId: tenant.id }, tx);
      return tenant;
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      throw new DomainError("conflict", `tenant ${slug.data} already exists`, "slug");
    }
    throw err;
  }
}

/** Longest retention period a tenant can set, in days (ten years). */
export const MAX_RETENTION_DAYS = 3650;
const retentionDays = z.number().int().min(1).max(MAX_RETENTION_DAYS);

/**
 * A tenant's settings as staff change them (console and CLI): status, Klaviyo integration,
 * merchant sync-back, phone region, custom identifiers, not-provided values, throttling,
 * retention, the notification budget, the publication push rate and the pass links' lifetime. Secrets are write-only. Raw-body days may not exceed retention days (checked against
 * the stored value of whichever is not given: updateTenantSettings parses the settings as they
 * would be).
 */
export const tenantSettingsInput = z.object({
  status: z.enum(["ACTIVE", "SUSPENDED"]).optional(),
  klaviyoEnabled: z.boolean().optional(),
  /** New Klaviyo system-webhook secret; the current one is kept as the previous (rotation). */
  klaviyoWebhookSecret: z.string().min(16, "must have at least 16 characters").optional(),
  /** Forget the previous webhook secret once Klaviyo uses only the new one. */
  dropPreviousWebhookSecret: z.boolean().optional(),
  merchantSyncUrl: z.url({ protocol: /^https?$/ }).nullable().optional(),
  /**
   * Klaviyo private API key (scopes profiles:write, events:write) for the events and profile
   * properties sent back to Klaviyo (server/klaviyo/outbound.ts); null removes it (nothing is sent).
   */
  klaviyoApiKey: z
    .string()
    .trim()
    .regex(/^pk_[A-Za-z0-9_-]{8,200}$/, "must be a Klaviyo private API key (pk_ followed by letters and digits)")
    .nullable()
    .optional(),
  merchantSyncSecret: z
    .string()
    .refine(isStandardWebhooksSecret, "must be a Standard Webhooks secret: whsec_ followed by 24 to 64 base64-encoded random bytes (e.g. whsec_$(openssl rand -base64 32))")
    .nullable()
    .optional(),
  defaultPhoneRegion: z
    .string()
    .refine((r) => /^[A-Z]{2}$/.test(r) && isSupportedCountry(r), "must be an ISO 3166-1 alpha-2 code with a telephone numbering plan, such as US")
    .optional(),
  customIdentifierKeys: z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, "must be a letter then letters, digits or _")).optional(),
  /**
   * Values that mean "not provided" in identifiers and field values, besides the blank string
   * (which always does): placeholders a flow template's `default` filter renders, e.g. `-`, `N/A`.
   * Trimmed; blanks and repeats dropped; matched exactly (case-sensitive) against trimmed values.
   */
  notProvidedValues: z
    .array(z.string().max(64, "each value has at most 64 characters").regex(/^[^\p{Cc}]*$/u, "must not contain control characters"))
    .max(20, "at most 20 values")
    .transform((values) => [...new Set(values.map((v) => v.trim()).filter(Boolean))])
    .optional(),
  tenantRequestsPerMinute: z.number().int().min(1).max(1_000_000).optional(),
  apiKeyRequestsPerMinute: z.number().int().min(1).max(1_000_000).optional(),
  /** Days receipts, sync tasks, pass changes and push deliveries are kept (server/tasks/retention.ts). */
  retentionDays: retentionDays.optional(),
  /** Days a receipt keeps its raw body and headers. */
  rawBodyRetentionDays: retentionDays.optional(),
  /**
   * Notification budget per pass: alerting updates (a lock-screen changeMessage) per 24 h, and
   * minutes between two (0: no spacing); updates beyond it are applied and fetched silently.
   */
  notificationsPerDay: z.number().int().min(0).max(1000).optional(),
  notificationSpacingMinutes: z.number().int().min(0).max(1440).optional(),
  /** Pushes per second of a pass type publication (server/passes/publish.ts). */
  publishPushesPerSecond: z.number().int().min(1).max(100_000).optional(),
  /** Google Wallet issuer id (digits, from the Google Pay & Wallet Console); null removes the issuer. */
  googleIssuerId: z.string().regex(/^\d{6,25}$/, "must be the issuer id (digits) from the Google Pay & Wallet Console").nullable().optional(),
  /** The issuer's service account key (the JSON file Google Cloud gives), stored encrypted. */
  googleServiceAccount: z
    .string()
    .superRefine((v, ctx) => {
      const problem = googleServiceAccountProblem(v);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .optional(),
  /** Days the links made for a pass (Add to Wallet page, .pkpass) stay valid (server/wallet/links.ts). */
  passLinkTtlDays: z.number().int().min(1).max(366).optional(),
}).refine(
  (s) => s.rawBodyRetentionDays === undefined || s.retentionDays === undefined || s.rawBodyRetentionDays <= s.retentionDays,
  { path: ["rawBodyRetentionDays"], message: "must not be more than retentionDays" },
);
export type TenantSettingsInput = z.input<typeof tenantSettingsInput>;

/**
 * Whether `secret` has the Standard Webhooks form the sync-back signs with: `whsec_` then the
 * base64 encoding of 24 to 64 random bytes (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#signature-scheme).
 */
export function isStandardWebhooksSecret(secret: string): boolean {
  const m = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret);
  if (!m || m[1]!.length % 4 !== 0) return false;
  const bytes = Buffer.from(m[1]!, "base64").length;
  return bytes >= 24 && bytes <= 64;
}

/** A Google service account key (JSON) as Passflow reads it: its email and RSA private key. */
export interface GoogleServiceAccount {
  client_email: string;
  private_key: string;
  private_key_id?: string;
}

/**
 * What is wrong with a service account key JSON, or undefined when Passflow can sign with it: a
 * `service_account` with `client_email` and a PEM RSA `private_key` (Google Cloud "Create and
 * delete service account keys": the JSON key file).
 */
export function googleServiceAccountProblem(text: string): string | undefined {
  let key: Partial<GoogleServiceAccount> & { type?: string };
  try {
    key = JSON.parse(text) as typeof key;
  } catch {
    return "must be the service account key JSON file";
  }
  if (!key || typeof key !== "object") return "must be the service account key JSON file";
  if (key.type !== "service_account") return 'must be a service account key ("type": "service_account")';
  if (typeof key.client_email !== "string" || !key.client_email.includes("@")) return "has no client_email";
  if (typeof key.private_key !== "string") return "has no private_key";
  try {
    const k = createPrivateKey(key.private_key);
    if (k.asymmetricKeyType !== "rsa") return "private_key must be an RSA key";
  } catch {
    return "private_key is not a PEM private key";
  }
  return undefined;
}

const RESERVED_IDENTIFIER_KEYS = new Set(["email", "phone", "customerId"]);

/**
 * Changes a tenant's status, Klaviyo integration, throttling and retention settings. Secrets are stored
 * encrypted and never returned. @throws DomainError tenant_not_found, invalid_input (naming the field)
 */
export async function updateTenantSettings(ref: string, input: TenantSettingsInput, actor: string) {
  const tenant = await getTenant(ref);
  // the retention pair is checked as it will be stored: a value not given is the current one
  const parsed = tenantSettingsInput.safeParse({
    ...input,
    retentionDays: input.retentionDays ?? tenant.retentionDays,
    rawBodyRetentionDays: input.rawBodyRetentionDays ?? tenant.rawBodyRetentionDays,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DomainError("invalid_input", `${issue.path.join(".")} ${issue.message}`, issue.path.join("."));
  }
  const s = parsed.data;
  const reserved = s.customIdentifierKeys?.find((k) => RESERVED_IDENTIFIER_KEYS.has(k));
  if (reserved) throw new DomainError("invalid_input", `customIdentifierKeys: ${reserved} is a standard identifier`, "customIdentifierKeys");
  const data: Prisma.TenantUpdateInput = {
    status: s.status,
    klaviyoEnabled: s.klaviyoEnabled,
    defaultPhoneRegion: s.defaultPhoneRegion,
    customIdentifierKeys: s.customIdentifierKeys,
    notProvidedValues: s.notProvidedValues,
    tenantRequestsPerMinute: s.tenantRequestsPerMinute,
    apiKeyRequestsPerMinute: s.apiKeyRequestsPerMinute,
    merchantSyncUrl: s.merchantSyncUrl,
    retentionDays: s.retentionDays,
    rawBodyRetentionDays: s.rawBodyRetentionDays,
    notificationsPerDay: s.notificationsPerDay,
    notificationSpacingMinutes: s.notificationSpacingMinutes,
    publishPushesPerSecond: s.publishPushesPerSecond,
    googleIssuerId: s.googleIssuerId,
    passLinkTtlDays: s.passLinkTtlDays,
  };
  if (s.googleServiceAccount !== undefined) data.googleServiceAccountEncrypted = encryptSecret(s.googleServiceAccount);
  if (s.googleIssuerId === null) data.googleServiceAccountEncrypted = null;
  if (s.klaviyoWebhookSecret) {
    data.klaviyoWebhookSecretEncrypted = encryptSecret(s.klaviyoWebhookSecret);
    data.klaviyoWebhookSecretPrevEncrypted = tenant.klaviyoWebhookSecretEncrypted;
  }
  if (s.dropPreviousWebhookSecret) data.klaviyoWebhookSecretPrevEncrypted = null;
  if (s.klaviyoApiKey !== undefined) data.klaviyoApiKeyEncrypted = s.klaviyoApiKey === null ? null : encryptSecret(s.klaviyoApiKey);
  if (s.merchantSyncSecret !== undefined) data.merchantSyncSecretEncrypted = s.merchantSyncSecret === null ? null : encryptSecret(s.merchantSyncSecret);
  const changed = Object.keys(input).filter((k) => (input as Record<string, unknown>)[k] !== undefined);
  const updated = await db().$transaction(async (tx) => {
    const row = await tx.tenant.update({ where: { id: tenant.id }, data, select: tenantSettingsSelect });
    await audit({ actor, action: "tenant.update", targetType: "Tenant", targetId: tenant.id, tenantId: tenant.id, details: { changed } }, tx);
    return row;
  });
  forgetTenant(tenant.id);
  return updated;
}

/** A tenant's settings as shown to operators: whether secrets are set, never their values. */
export const tenantSettingsSelect = {
  id: true,
  slug: true,
  name: true,
  status: true,
  klaviyoEnabled: true,
  defaultPhoneRegion: true,
  customIdentifierKeys: true,
  notProvidedValues: true,
  merchantSyncUrl: true,
  tenantRequestsPerMinute: true,
  apiKeyRequestsPerMinute: true,
  retentionDays: true,
  rawBodyRetentionDays: true,
  notificationsPerDay: true,
  notificationSpacingMinutes: true,
  publishPushesPerSecond: true,
  passLinkTtlDays: true,
  klaviyoWebhookSecretEncrypted: true,
  klaviyoWebhookSecretPrevEncrypted: true,
  merchantSyncSecretEncrypted: true,
  googleIssuerId: true,
  googleServiceAccountEncrypted: true,
  klaviyoApiKeyEncrypted: true,
} satisfies Prisma.TenantSelect;

/** The last 4 characters of a stored secret, to recognize it by ("set, ending …"), or null when unset. */
export function secretEnding(sealed: string | null): string | null {
  return sealed ? decryptSecret(sealed).slice(-4) : null;
}

/** Replaces encrypted secret columns by `…Set` booleans. */
export function describeTenantSettings(t: Prisma.TenantGetPayload<{ select: typeof tenantSettingsSelect }>) {
  const { klaviyoWebhookSecretEncrypted, klaviyoWebhookSecretPrevEncrypted, merchantSyncSecretEncrypted, googleServiceAccountEncrypted, klaviyoApiKeyEncrypted, ...rest } = t;
  return {
    ...rest,
    klaviyoApiKeySet: !!klaviyoApiKeyEncrypted,
    klaviyoApiKeyEnding: secretEnding(klaviyoApiKeyEncrypted),
    klaviyoWebhookSecretSet: !!klaviyoWebhookSecretEncrypted,
    klaviyoWebhookSecretPreviousSet: !!klaviyoWebhookSecretPrevEncrypted,
    merchantSyncSecretSet: !!merchantSyncSecretEncrypted,
    googleServiceAccountSet: !!googleServiceAccountEncrypted,
  };
}
