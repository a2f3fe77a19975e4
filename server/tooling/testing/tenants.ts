/** Test helper: a fresh tenant with an API key, through the same server functions the CLI uses. */
import { createTenant, updateTenantSettings, type TenantSettingsInput } from "@/server/tenants/tenants";
import { createApiKey, KLAVIYO_LISTENER_SCOPE } from "@/server/tenants/api-keys";
import { issuePass } from "@/server/passes/passes";
import { uniqueSlug } from "./cli";

export async function makeTenant(opts: { prefix?: string; settings?: TenantSettingsInput; customIdentifierKeys?: string[] } = {}) {
  const slug = uniqueSlug(opts.prefix ?? "wh");
  const tenant = await createTenant({ slug, name: `Test ${slug}`, customIdentifierKeys: opts.customIdentifierKeys ?? ["loyaltyNumber"], actor: "test" });
  if (opts.settings) await updateTenantSettings(slug, opts.settings, "test");
  const { key, prefix } = await createApiKey({ tenant: slug, name: "test", scopes: [KLAVIYO_LISTENER_SCOPE], actor: "test" });
  return { tenant, slug, apiKey: key, prefix };
}

/** Issues a pass to the fixtures' customer Jane (email, phone, customerId, loyaltyNumber). */
export function issueJanePass(slug: string, passType = "basic") {
  return issuePass({
    tenant: slug,
    passType,
    identifiers: { email: "jane.doe@example.com", phone: "+14155550100", customerId: "CUST-000042", loyaltyNumber: "LN-88-1207" },
    data: { memberName: "Jane Doe", points: 980 },
  });
}
