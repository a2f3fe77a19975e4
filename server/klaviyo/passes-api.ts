/**
 * The merchant API's passes, framework-free like the listeners:
 *
 *   POST /api/{tenantId}/v1/passes                  issue a pass → 201 (new) or 200 (the customer's pass, `data` applied)
 *   GET  /api/{tenantId}/v1/passes/{serialNumber}   a pass → 200
 *
 * Both answer `{ serialNumber, passTypeIdentifier, passType, customer, data, links: { page,
 * pkpass, expiresAt } }`; the links are signed and valid the tenant's passLinkTtlDays
 * (server/wallet/links.ts). Steps as for customer erasure (customers-api.ts): tenant (404) →
 * credentials with scope `Passes.Write` (401/403) → tenant suspended (403) → throttle (429, the
 * listeners' quota) → body (415/413/400 naming the field) → issue or update in one transaction
 * (server/passes/passes.ts `issueOrUpdatePass`; a customer holds at most one live pass per pass
 * type). A found pass that changed gets a new version and its `pass.changed` event is sent after
 * the commit, so its devices are pushed as for a pushUpdate. Every answer carries X-Correlation-Id.
 */
import { randomUUID } from "node:crypto";
import type { Tenant } from "@prisma/client";
import { inngest } from "@/inngest/client";
import { passVersionEvents } from "@/inngest/events";
import { logger, withCorrelation } from "@/server/platform/log";
import { parseJson, readBody } from "@/server/platform/http/body";
import { errorResponse } from "@/server/platform/http/errors";
import { unstorable } from "@/server/platform/http/json-hygiene";
import { PASSES_WRITE_SCOPE } from "@/server/tenants/api-keys";
import { issueOrUpdatePass, showPass } from "@/server/passes/passes";
import { passLinks } from "@/server/wallet/links";
import { googleSaveUrl } from "@/server/wallet/google/objects";
import { HttpProblem } from "@/server/platform/http/problem";
import { authenticateBearer } from "./credentials";
import { consumeListenerQuota } from "./quota";
import { requestTenant } from "./listener";
import { issuePassRequest, toIssueInput } from "./schemas";
import { invalid, zodErrors } from "./invalid";

/** A pass as the merchant API answers it. */
export interface PassResource {
  serialNumber: string;
  passTypeIdentifier: string;
  /** The pass type key (e.g. basic). */
  passType: string;
  customer: { email: string | null; phone: string | null; customerId: string | null; custom: Record<string, string> };
  /** The pass's field values. */
  data: unknown;
  /** `googleSave`: the "Save to Google Wallet" link, null when the tenant has no Google Wallet issuer. */
  links: { page: string; pkpass: string; expiresAt: string; googleSave: string | null };
}

/** The pass as the API shows it, with fresh links. @throws DomainError pass_not_found */
async function passResource(tenant: Tenant, serialNumber: string): Promise<PassResource> {
  const pass = await showPass(tenant.id, serialNumber);
  const [links, googleSave] = await Promise.all([passLinks({ tenant: tenant.id, serialNumber }), googleSaveUrl(tenant.id, serialNumber)]);
  return { serialNumber, passTypeIdentifier: pass.passTypeIdentifier, passType: pass.passType, customer: pass.customer, data: pass.data, links: { ...links, googleSave } };
}

/** Tenant, credential (Passes.Write), suspension and quota: the gate of every merchant API call. */
async function admit(request: Request, tenantRef: string): Promise<{ tenant: Tenant; rateHeaders: Record<string, string> }> {
  const tenant = await requestTenant(tenantRef);
  const principal = await authenticateBearer(request.headers, tenant, PASSES_WRITE_SCOPE);
  if (tenant.status === "SUSPENDED") throw new HttpProblem({ status: 403, detail: "the tenant is suspended" });
  return { tenant, rateHeaders: await consumeListenerQuota(tenant, principal.id) };
}

/** Runs one API request with a correlation id on its logs and answer; errors go through the one table. Never throws. */
function handle(request: Request, work: (correlationId: string, rateHeaders: Record<string, string>) => Promise<Response>): Promise<Response> {
  const correlationId = randomUUID();
  return withCorrelation(correlationId, async () => {
    const rateHeaders: Record<string, string> = {};
    try {
      return await work(correlationId, rateHeaders);
    } catch (err) {
      return errorResponse(err, { correlationId, headers: rateHeaders, log: { method: request.method, path: new URL(request.url).pathname } });
    }
  });
}

function json(body: unknown, status: number, correlationId: string, rateHeaders: Record<string, string>): Response {
  return Response.json(body, { status, headers: { ...rateHeaders, "x-correlation-id": correlationId, "cache-control": "no-store" } });
}

/**
 * POST /api/{tenantId}/v1/passes: issues a pass of `passType` to the customer the identifiers
 * name, or applies `data` to the live pass of that type the customer holds.
 * Answers 201 (issued) or 200 (found) with the PassResource; 400 naming the field (body,
 * identifiers.*, data.*), 404 (tenant, passType), 409 (identifiers naming different customers).
 */
export function issuePassRequestHandler(request: Request, tenantRef: string): Promise<Response> {
  return handle(request, async (correlationId, rateHeaders) => {
    const admitted = await admit(request, tenantRef);
    Object.assign(rateHeaders, admitted.rateHeaders);
    const { tenant } = admitted;
    const body = parseJson(await readBody(request, { accept: ["json"], strictUtf8: true }), { exactNumbers: true });
    const refused = unstorable(body);
    if (refused) throw invalid([refused]);
    const parsed = issuePassRequest.safeParse(body);
    if (!parsed.success) throw invalid(zodErrors(parsed.error));
    const result = await issueOrUpdatePass(tenant.id, toIssueInput(parsed.data), { source: "data" });
    if (result.changed) {
      // after the commit, as a pushUpdate's; a failed send is logged: the new version is there for the next fetch
      try {
        await inngest.send(passVersionEvents([result], { tenantId: tenant.id, taskId: null, correlationId }));
      } catch (err) {
        logger.warn({ err: (err as Error).message, passId: result.passId }, "pass.changed not sent; devices fetch the new version on their next update");
      }
    }
    logger.info({ tenant: tenant.slug, serialNumber: result.serialNumber, created: result.created, changed: result.changed }, "pass issued through the API");
    return json(await passResource(tenant, result.serialNumber), result.created ? 201 : 200, correlationId, rateHeaders);
  });
}

/** GET /api/{tenantId}/v1/passes/{serialNumber}: the PassResource; 404 naming serialNumber for an unknown (or erased) pass. */
export function getPassRequestHandler(request: Request, tenantRef: string, serialNumber: string): Promise<Response> {
  return handle(request, async (correlationId, rateHeaders) => {
    const admitted = await admit(request, tenantRef);
    Object.assign(rateHeaders, admitted.rateHeaders);
    return json(await passResource(admitted.tenant, serialNumber), 200, correlationId, rateHeaders);
  });
}
