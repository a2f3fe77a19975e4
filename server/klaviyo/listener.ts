/**
 * The Klaviyo listeners' pipeline, framework-free (web-standard Request/Response), so route
 * handlers only adapt Next.js to it:
 *
 *   POST /api/{tenantId}/webhooks/listeners/klaviyo/passes/pushUpdate   → 200, empty body
 *   POST /api/{tenantId}/webhooks/listeners/klaviyo/profiles/sync       → 202 {"correlationId"}
 *   POST /api/{tenantId}/webhooks/listeners/klaviyo/passes/issue        → 202 {"correlationId"}
 *
 * Steps: tenant (404; remembered for a few seconds) → authenticate (401/403: a bearer credential, or the HMAC signature of a
 * system webhook, which needs the body first) → tenant gate (403 suspended / integration
 * disabled) → throttle (429) → read body (415/413/400) → parse (JSON hygiene, then the
 * payload's parser: push-update.ts, flow-profile-sync.ts, pass-issue.ts or system-webhook.ts; 400/401) → store
 * (receipt + tasks in one transaction, accept.ts; 422 for a reused Idempotency-Key) → answer,
 * with the tasks to dispatch once it has left. Every answer carries X-Correlation-Id; errors go
 * through the platform's one table (a database outage is 503 + Retry-After: Klaviyo retries
 * 429/5xx and drops other 4xx for good), so bad input never yields a 5xx or a stored task.
 * With `?dryRun=1` (pushUpdate, passes/issue) the parsed body is not stored: dry-run.ts answers
 * 200 with what the task would change, writing and sending nothing.
 */
import { randomUUID } from "node:crypto";
import type { Tenant } from "@prisma/client";
import { logger, withCorrelation } from "@/server/platform/log";
import { HttpProblem } from "@/server/platform/http/problem";
import { parseJson, readBody } from "@/server/platform/http/body";
import { errorResponse } from "@/server/platform/http/errors";
import { unstorable } from "@/server/platform/http/json-hygiene";
import { redactHeaders } from "@/server/platform/http/headers";
import { findTenantByRef } from "./store";
import { rememberedTenants } from "../tenants/tenants";
import { authenticateBearer, type Principal } from "./credentials";
import { consumeListenerQuota } from "./quota";
import { acceptSubmission, IDEMPOTENCY_KEY_MAX, type AcceptedTask, type Acceptance, type Submission } from "./accept";
import { invalid } from "./invalid";
import { parsePushUpdate } from "./push-update";
import { parseFlowProfileSync } from "./flow-profile-sync";
import { parsePassIssue } from "./pass-issue";
import { dryRun, dryRunRequested } from "./dry-run";
import { authenticateSignature, isSignedSystemWebhook, parseSystemWebhook } from "./system-webhook";

export type ListenerEndpoint = "pushUpdate" | "profileSync" | "passIssue";

export interface ListenerResult {
  response: Response;
  /** Tasks to send to Inngest once the response has left. */
  dispatch: AcceptedTask[];
}

/** The payload kinds and how each is parsed. */
type PayloadKind = "pushUpdate" | "passIssue" | "flowProfileSync" | "systemWebhook";
const PARSERS: Record<PayloadKind, (body: unknown, tenant: Tenant, headers: Headers) => Submission> = {
  pushUpdate: (body, tenant) => parsePushUpdate(body, tenant),
  passIssue: (body, tenant) => parsePassIssue(body, tenant),
  flowProfileSync: (body, tenant) => parseFlowProfileSync(body, tenant),
  systemWebhook: (body, _tenant, headers) => parseSystemWebhook(body, headers),
};

function payloadKind(endpoint: ListenerEndpoint, headers: Headers): PayloadKind {
  if (endpoint === "pushUpdate" || endpoint === "passIssue") return endpoint;
  return isSignedSystemWebhook(headers) ? "systemWebhook" : "flowProfileSync";
}

/**
 * The tenant whose slug or id is `ref`, as read within the last TENANT_CACHE_SECONDS
 * (server/tenants/tenants.ts `rememberedTenants`) or now. @throws HttpProblem 404
 */
export async function requestTenant(ref: string): Promise<Tenant> {
  const remembered = rememberedTenants().get(ref);
  if (remembered) return remembered;
  const tenant = await findTenantByRef(ref);
  if (!tenant) throw new HttpProblem({ status: 404, detail: `no tenant ${JSON.stringify(ref)}` });
  rememberedTenants().set(ref, tenant);
  return tenant;
}

function gate(tenant: Tenant): void {
  if (tenant.status === "SUSPENDED") throw new HttpProblem({ status: 403, detail: "the tenant is suspended" });
  if (!tenant.klaviyoEnabled) throw new HttpProblem({ status: 403, detail: "the tenant's Klaviyo integration is disabled" });
}

/** UTF-8 JSON only, at most 1 MiB, kept exactly as sent (a BOM too: signatures cover it). */
function readListenerBody(request: Request): Promise<string> {
  return readBody(request, { accept: ["json"], bom: "keep", strictUtf8: true });
}

/**
 * The parsed body, refused when JSON hygiene finds a value that can never be stored. Flow bodies
 * keep a number a double cannot hold exactly as an InexactNumber (identifiers keep its text, field
 * values refuse it: never rounded); a signed system webhook is Klaviyo's own JSON, read as is.
 * @throws HttpProblem 400
 */
function parseStorableJson(rawBody: string, kind: PayloadKind): unknown {
  const body = parseJson(rawBody, { exactNumbers: kind !== "systemWebhook" });
  const refused = unstorable(body);
  if (refused) throw invalid([refused]);
  return body;
}

function idempotencyKey(headers: Headers): string | undefined {
  const key = headers.get("idempotency-key")?.trim();
  if (key && key.length > IDEMPOTENCY_KEY_MAX) throw invalid([{ field: "Idempotency-Key", message: `at most ${IDEMPOTENCY_KEY_MAX} characters` }], "the Idempotency-Key header is too long");
  return key || undefined;
}

function answer(acceptance: Acceptance, rateHeaders: Record<string, string>): Response {
  const headers = { ...rateHeaders, "x-correlation-id": acceptance.correlationId, "cache-control": "no-store" };
  return acceptance.status === 200
    ? new Response(null, { status: 200, headers })
    : Response.json({ correlationId: acceptance.correlationId }, { status: acceptance.status, headers });
}

/** Handles one listener request end to end. Never throws. */
export function handleKlaviyoListener(endpoint: ListenerEndpoint, request: Request, tenantRef: string): Promise<ListenerResult> {
  const correlationId = randomUUID();
  return withCorrelation(correlationId, async () => {
    let rateHeaders: Record<string, string> = {};
    try {
      const preview = dryRunRequested(request.url);
      const tenant = await requestTenant(tenantRef);
      const kind = payloadKind(endpoint, request.headers);
      let rawBody: string | undefined;
      let principal: Principal;
      if (kind === "systemWebhook") {
        rawBody = await readListenerBody(request);
        principal = authenticateSignature(tenant, request.headers, rawBody);
      } else {
        principal = await authenticateBearer(request.headers, tenant);
      }
      gate(tenant);
      rateHeaders = await consumeListenerQuota(tenant, principal.id);
      rawBody ??= await readListenerBody(request);
      const body = parseStorableJson(rawBody, kind);
      if (preview) {
        const answer = await dryRun(PARSERS[kind](body, tenant, request.headers), tenant);
        logger.info({ endpoint, tenant: tenant.slug, principal: principal.label }, "dry run answered");
        return { response: Response.json(answer, { status: 200, headers: { ...rateHeaders, "x-correlation-id": correlationId, "cache-control": "no-store" } }), dispatch: [] };
      }
      const receipt = { tenantId: tenant.id, correlationId, headers: redactHeaders(request.headers), rawBody, idempotencyKey: idempotencyKey(request.headers) };
      const acceptance = await acceptSubmission(PARSERS[kind](body, tenant, request.headers), receipt);
      logger.info(
        { endpoint, tenant: tenant.slug, principal: principal.label, tasks: acceptance.tasks.length, duplicate: acceptance.duplicate },
        "webhook accepted",
      );
      return { response: answer(acceptance, rateHeaders), dispatch: acceptance.tasks };
    } catch (err) {
      return { response: errorResponse(err, { correlationId, headers: rateHeaders, log: { endpoint } }), dispatch: [] };
    }
  });
}
