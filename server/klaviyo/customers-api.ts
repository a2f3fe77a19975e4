/**
 * The merchant API beside the listeners, framework-free like them:
 *
 *   DELETE /api/{tenantId}/v1/customers/{customerId}   erase the customer → 204, empty body
 *
 * `{customerId}` is the merchant's customer id. Steps: tenant (404) → credentials with scope
 * `Passes.Write` (401/403, as the listeners answer) → tenant suspended (403) → throttle (429, the
 * listeners' quota) → erasure (server/customers/erasure.ts; 404 for an unknown customer).
 */
import { HttpProblem } from "@/server/platform/http/problem";
import { PASSES_WRITE_SCOPE } from "@/server/tenants/api-keys";
import { eraseCustomer } from "@/server/customers/erasure";
import { authenticateBearer } from "./credentials";
import { consumeListenerQuota } from "./quota";
import { requestTenant } from "./listener";

/**
 * Erases the customer the merchant names by its customerId; the audit row's actor is the
 * credential's label (`apikey:pf_…` or `jwt:<client>`).
 * @throws HttpProblem 401/403/404/429; DomainError not_found (unknown customer)
 */
export async function deleteCustomerRequest(request: Request, tenantRef: string, customerId: string): Promise<Response> {
  const tenant = await requestTenant(tenantRef);
  const principal = await authenticateBearer(request.headers, tenant, PASSES_WRITE_SCOPE);
  if (tenant.status === "SUSPENDED") throw new HttpProblem({ status: 403, detail: "the tenant is suspended" });
  const rateHeaders = await consumeListenerQuota(tenant, principal.id);
  const actor = principal.kind === "api_key" ? `apikey:${principal.label}` : principal.label;
  await eraseCustomer({ tenant: tenant.id, customerId, actor });
  return new Response(null, { status: 204, headers: { ...rateHeaders, "cache-control": "no-store" } });
}
