/** Tenants, their API keys and settings. */
import { z } from "zod";
import { createTenant, describeTenantSettings, updateTenantSettings, type TenantSettingsInput } from "../../tenants/tenants";
import { createApiKey, revokeApiKey, KLAVIYO_LISTENER_SCOPE } from "../../tenants/api-keys";
import { getTenantDetail, listTenants, tenantChoices, tenantListInput } from "../../console/tenants";
import { testTenantKlaviyoKey } from "../../klaviyo/outbound";
import { checkGoogleConnection } from "../../wallet/google/objects";
import { adminProcedure, operatorProcedure, router, viewerProcedure } from "../init";

const tenantRef = z.object({ tenant: z.string().min(1) });

export const tenantsRouter = router({
  /** One page of tenants. */
  list: viewerProcedure.input(tenantListInput).query(({ input }) => listTenants(input)),
  /** Slugs and names of every tenant, for filters. */
  choices: viewerProcedure.query(() => tenantChoices()),
  /** Integration status, API keys (never their secret), pass types, limits and certificates. */
  get: viewerProcedure.input(tenantRef).query(({ input }) => getTenantDetail(input.tenant)),
  /** Creates a tenant with the starter pass types. */
  create: adminProcedure
    .input(z.object({ slug: z.string().min(1).max(40), name: z.string().trim().min(1).max(200), customIdentifierKeys: z.array(z.string().min(1)).max(20).default([]) }))
    .mutation(async ({ input, ctx }) => {
      const t = await createTenant({ ...input, actor: ctx.staff.email });
      return { slug: t.slug };
    }),
  /** Klaviyo integration, merchant sync-back, phone region, custom identifiers and throttling limits; secrets are write-only. */
  updateIntegration: operatorProcedure
    // the settings are validated once, by updateTenantSettings (tenantSettingsInput), naming the field
    .input(z.custom<{ tenant: string } & Omit<TenantSettingsInput, "status">>((v) => tenantRef.safeParse(v).success, "tenant is required"))
    .mutation(async ({ input: { tenant, ...settings }, ctx }) => describeTenantSettings(await updateTenantSettings(tenant, settings, ctx.staff.email))),
  /** "Test connection": proves the stored Klaviyo private API key and its scopes, writing nothing in Klaviyo. */
  testKlaviyoKey: operatorProcedure.input(tenantRef).mutation(({ input }) => testTenantKlaviyoKey(input.tenant)),
  /** "Test connection" for Google Wallet: a token for the service account and a read of a class (null: no issuer). */
  testGoogleConnection: operatorProcedure.input(tenantRef).mutation(({ input }) => checkGoogleConnection(input.tenant)),
  /** Suspends or reactivates a tenant. */
  setStatus: adminProcedure
    .input(tenantRef.extend({ status: z.enum(["ACTIVE", "SUSPENDED"]) }))
    .mutation(async ({ input, ctx }) => describeTenantSettings(await updateTenantSettings(input.tenant, { status: input.status }, ctx.staff.email))),
  /** Creates an API key for the Klaviyo listeners; the key is in this answer only. */
  createApiKey: operatorProcedure
    .input(tenantRef.extend({ name: z.string().trim().min(1).max(100) }))
    .mutation(({ input, ctx }) => createApiKey({ tenant: input.tenant, name: input.name, scopes: [KLAVIYO_LISTENER_SCOPE], actor: ctx.staff.email })),
  /** Revokes an API key by its prefix. */
  revokeApiKey: operatorProcedure
    .input(z.object({ prefix: z.string().min(1) }))
    .mutation(({ input, ctx }) => revokeApiKey({ prefix: input.prefix, actor: ctx.staff.email })),
});
