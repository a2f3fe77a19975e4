/**
 * The two Klaviyo listeners, framework-free (web-standard Request/Response), so route handlers
 * only adapt Next.js to them:
 *
 *   POST /api/{tenantId}/webhooks/listeners/klaviyo/passes/pushUpdate   → 200, empty body
 *   POST /api/{tenantId}/webhooks/listeners/klaviyo/profiles/sync       → 202 {"correlationId"}
 *
 * Order: tenant (404) → credentials (401/403; the HMAC signature for system webhooks) → tenant
 * gate (403 suspended / integration disabled) → throttle (429) → body (415/413/400) → one
 * transaction (receipt + tasks) → answer. Every answer carries X-Correlation-Id. A database
 * outage answers 503 + Retry-After (Klaviyo retries 429/5xx, drops other 4xx for good), and bad
 * input never yields a 5xx or a stored task. Events are sent after the answer (`dispatch`).
 */
import { randomUUID } from "node:crypto";
import type { Tenant } from "@prisma/client";
import type { z } from "zod";
import { findTenantByRef } from "./store";
import { isDatabaseUnavailable } from "../db/errors";
import { decryptSecret } from "@/server/platform/crypto";
import { logger, withCorrelation } from "@/server/platform/log";
import { DomainError } from "@/server/platform/errors";
import { HttpProblem, problem, type FieldError } from "@/server/platform/http/problem";
import { parseJson, readJsonText } from "@/server/platform/http/body";
import { hasIdentifier, normalizeIdentifiers } from "@/server/identifiers/identifiers";
import { authenticateBearer, type Principal } from "./credentials";
import { verifyKlaviyoSignature } from "./signature";
import { consumeListenerQuota } from "./quota";
import { acceptFlowWebhook, acceptSystemWebhook, IdempotencyKeyReused, type AcceptedTask, type Acceptance } from "./accept";
import {
  flowToProfileSyncInput,
  isSystemWebhookEnvelope,
  profileSyncBody,
  pushUpdateBody,
  systemEventToProfileSyncInput,
  systemWebhookEnvelope,
  toPassUpdateInput,
} from "./schemas";

export type ListenerEndpoint = "pushUpdate" | "profileSync";

export interface ListenerResult {
  response: Response;
  /** Tasks to send to Inngest once the response has left. */
  dispatch: AcceptedTask[];
}

/** Seconds Klaviyo is asked to wait when the database is unavailable. */
const RETRY_AFTER_UNAVAILABLE_S = 30;
const REDACTED_HEADERS = new Set(["authorization", "x-api-key", "cookie", "proxy-authorization"]);

function invalid(errors: FieldError[], detail = "the request body is invalid"): HttpProblem {
  return new HttpProblem({ status: 400, title: "Invalid request", detail, errors });
}

function zodErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({ field: i.path.length ? i.path.join(".") : "body", message: i.message }));
}

/** A UTF-16 surrogate without its pair (JSON allows the escape; PostgreSQL jsonb refuses it). */
const LONE_SURROGATE = /\p{Cs}/u;

/** Why a key or string of the body cannot be stored, if it cannot. */
function unstorableText(text: string): string | undefined {
  if (text.includes("\u0000")) return "the NUL character (\\u0000)";
  if (LONE_SURROGATE.test(text)) return "an unpaired UTF-16 surrogate (\\ud800-\\udfff)";
  return undefined;
}

/**
 * The first value of parsed JSON that can never be stored: a `__proto__` key (refused, never
 * merged), or a key or string holding a NUL character (`\u0000`) or an unpaired UTF-16
 * surrogate, which PostgreSQL text and jsonb cannot hold. Undefined when there is none. Walks
 * the whole value (the body is at most 1 MiB) without recursion, so depth cannot overflow it.
 */
function unstorable(body: unknown): FieldError | undefined {
  type Node = { value: unknown; key?: string; parent?: Node };
  const at = (node: Node | undefined, key?: string) => {
    const path = key === undefined ? [] : [key];
    for (let n = node; n?.key !== undefined; n = n.parent) path.push(n.key);
    return path.length ? path.reverse().join(".") : "body";
  };
  const pending: Node[] = [{ value: body }];
  for (let node = pending.pop(); node; node = pending.pop()) {
    const { value } = node;
    if (typeof value === "string") {
      const reason = unstorableText(value);
      if (reason) return { field: at(node), message: `must not contain ${reason}` };
      continue;
    }
    if (!value || typeof value !== "object") continue;
    const keys = Object.keys(value);
    for (const key of keys) {
      if (key === "__proto__") return { field: at(node, key), message: "reserved key" };
      const reason = unstorableText(key);
      if (reason) return { field: at(node), message: `keys must not contain ${reason}` };
    }
    for (let i = keys.length - 1; i >= 0; i--) pending.push({ value: (value as Record<string, unknown>)[keys[i]!], key: keys[i]!, parent: node });
  }
  return undefined;
}

async function findTenant(ref: string): Promise<Tenant> {
  const tenant = await findTenantByRef(ref);
  if (!tenant) throw new HttpProblem({ status: 404, title: "Not found", detail: `no tenant ${JSON.stringify(ref)}` });
  return tenant;
}

function webhookSecrets(tenant: Tenant): string[] {
  return [tenant.klaviyoWebhookSecretEncrypted, tenant.klaviyoWebhookSecretPrevEncrypted].filter((s): s is string => !!s).map(decryptSecret);
}

function storedHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => (out[key] = REDACTED_HEADERS.has(key) ? "[redacted]" : value));
  return out;
}

function gate(tenant: Tenant) {
  if (tenant.status === "SUSPENDED") throw new HttpProblem({ status: 403, title: "Forbidden", detail: "the tenant is suspended" });
  if (!tenant.klaviyoEnabled) throw new HttpProblem({ status: 403, title: "Forbidden", detail: "the tenant's Klaviyo integration is disabled" });
}

function usableIdentifiers(identifiers: Record<string, string>, tenant: Tenant) {
  try {
    const ids = normalizeIdentifiers(identifiers, tenant);
    if (!hasIdentifier(ids)) {
      const custom = tenant.customIdentifierKeys.length ? `, or one of ${tenant.customIdentifierKeys.join(", ")}` : "";
      throw invalid([{ field: "identifiers", message: `give at least one non-empty identifier: email, phone, customerId${custom}` }]);
    }
  } catch (err) {
    if (err instanceof DomainError) throw invalid([{ field: err.field ?? "identifiers", message: err.message }]);
    throw err;
  }
}

/** Longest Idempotency-Key kept (the OpenAPI document says so too). */
export const IDEMPOTENCY_KEY_MAX = 200;

function idempotencyKey(headers: Headers): string | undefined {
  const key = headers.get("idempotency-key")?.trim();
  if (key && key.length > IDEMPOTENCY_KEY_MAX) throw invalid([{ field: "Idempotency-Key", message: `at most ${IDEMPOTENCY_KEY_MAX} characters` }], "the Idempotency-Key header is too long");
  return key || undefined;
}

async function accept(
  endpoint: ListenerEndpoint,
  request: Request,
  tenant: Tenant,
  rawBody: string,
  correlationId: string,
): Promise<Acceptance> {
  const body = parseJson(rawBody);
  const refused = unstorable(body);
  if (refused) throw invalid([refused]);
  const receipt = {
    tenantId: tenant.id,
    correlationId,
    headers: storedHeaders(request.headers),
    rawBody,
    idempotencyKey: idempotencyKey(request.headers),
  };

  if (endpoint === "pushUpdate") {
    const parsed = pushUpdateBody.safeParse(body);
    if (!parsed.success) throw invalid(zodErrors(parsed.error));
    const input = toPassUpdateInput(parsed.data);
    usableIdentifiers(input.identifiers, tenant);
    return acceptFlowWebhook({ ...receipt, endpoint: "PASS_PUSH_UPDATE", status: 200 }, { kind: "PASS_UPDATE", input });
  }

  if (request.headers.has("klaviyo-signature")) {
    const parsed = systemWebhookEnvelope.safeParse(body);
    if (!parsed.success) throw invalid(zodErrors(parsed.error), "a signed request must be a Klaviyo system-webhook envelope");
    const webhookId = request.headers.get("klaviyo-webhook-id");
    if (webhookId !== parsed.data.meta.klaviyo_webhook_id) {
      throw new HttpProblem({ status: 401, title: "Unauthorized", detail: "Klaviyo-Webhook-Id does not match meta.klaviyo_webhook_id" });
    }
    const events = parsed.data.data.map((e) => ({ externalId: e.external_id, input: systemEventToProfileSyncInput(e) }));
    return acceptSystemWebhook({ ...receipt, endpoint: "PROFILE_SYNC", status: 202, webhookId }, events);
  }
  if (isSystemWebhookEnvelope(body)) {
    throw new HttpProblem({ status: 401, title: "Unauthorized", detail: "system webhooks must carry Klaviyo-Signature and Klaviyo-Timestamp" });
  }
  const parsed = profileSyncBody.safeParse(body);
  if (!parsed.success) throw invalid(zodErrors(parsed.error));
  if (!parsed.data.email && !parsed.data.phone_number) {
    throw invalid([{ field: "email", message: "give email or phone_number (or both)" }]);
  }
  const input = flowToProfileSyncInput(parsed.data);
  if (input.phone) {
    try {
      normalizeIdentifiers({ phone: input.phone }, tenant);
    } catch (err) {
      if (err instanceof DomainError) throw invalid([{ field: "phone_number", message: err.message }]);
      throw err;
    }
  }
  return acceptFlowWebhook({ ...receipt, endpoint: "PROFILE_SYNC", status: 202 }, { kind: "PROFILE_SYNC", input });
}

/** Handles one listener request end to end. Never throws. */
export function handleKlaviyoListener(endpoint: ListenerEndpoint, request: Request, tenantRef: string): Promise<ListenerResult> {
  const correlationId = randomUUID();
  return withCorrelation(correlationId, async () => {
    let rateHeaders: Record<string, string> = {};
    try {
      const tenant = await findTenant(tenantRef);
      const signed = endpoint === "profileSync" && request.headers.has("klaviyo-signature");
      let rawBody: string | undefined;
      let principal: Principal;
      if (signed) {
        rawBody = await readJsonText(request);
        const secrets = webhookSecrets(tenant);
        if (secrets.length === 0) {
          throw new HttpProblem({ status: 401, title: "Unauthorized", detail: "this tenant has no Klaviyo system-webhook secret configured (CLI: tenant update --klaviyo-webhook-secret-stdin)" });
        }
        const check = verifyKlaviyoSignature({
          secrets,
          rawBody,
          signature: request.headers.get("klaviyo-signature"),
          timestamp: request.headers.get("klaviyo-timestamp"),
        });
        if (!check.ok) throw new HttpProblem({ status: 401, title: "Unauthorized", detail: check.reason });
        principal = { kind: "signature", id: `sig:${tenant.id}`, label: "klaviyo-signature" };
      } else {
        principal = await authenticateBearer(request.headers, tenant);
      }
      gate(tenant);
      rateHeaders = await consumeListenerQuota(tenant, principal.id);
      rawBody ??= await readJsonText(request);
      const acceptance = await accept(endpoint, request, tenant, rawBody, correlationId);
      const headers = { ...rateHeaders, "x-correlation-id": acceptance.correlationId, "cache-control": "no-store" };
      logger.info(
        { endpoint, tenant: tenant.slug, principal: principal.label, tasks: acceptance.tasks.length, duplicate: acceptance.duplicate },
        "webhook accepted",
      );
      const response =
        acceptance.status === 200
          ? new Response(null, { status: 200, headers })
          : Response.json({ correlationId: acceptance.correlationId }, { status: acceptance.status, headers });
      return { response, dispatch: acceptance.tasks };
    } catch (caught) {
      const err =
        caught instanceof IdempotencyKeyReused
          ? new HttpProblem({ status: 422, title: "Idempotency-Key reused", detail: caught.message, errors: [{ field: "Idempotency-Key", message: "already used for a different body" }] })
          : caught;
      if (err instanceof HttpProblem) {
        logger.info({ endpoint, status: err.init.status, detail: err.init.detail, errors: err.init.errors }, "webhook rejected");
        return { response: problem({ ...err.init, correlationId, headers: { ...rateHeaders, ...err.init.headers } }), dispatch: [] };
      }
      if (isDatabaseUnavailable(err)) {
        logger.error({ endpoint, err: (err as Error).message }, "database unavailable; asking Klaviyo to retry");
        return {
          response: problem({
            status: 503,
            title: "Service unavailable",
            detail: "the database is unavailable; retry later",
            correlationId,
            headers: { "retry-after": String(RETRY_AFTER_UNAVAILABLE_S) },
          }),
          dispatch: [],
        };
      }
      logger.error({ endpoint, err }, "webhook failed");
      return { response: problem({ status: 500, title: "Internal error", correlationId }), dispatch: [] };
    }
  });
}
