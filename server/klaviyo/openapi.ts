/**
 * The OpenAPI 3.1 document of the Klaviyo listeners and the merchant API (passes, customer erasure), generated from the same zod schemas that
 * validate requests (server/klaviyo/schemas.ts), served at GET /api/openapi.json.
 */
import { z } from "zod";
import { issuePassRequest, passIssueBody, profileSyncBody, pushUpdateBody, systemWebhookEnvelope } from "./schemas";

function schema(s: z.ZodType) {
  const json = z.toJSONSchema(s, { io: "input", unrepresentable: "any", target: "draft-2020-12" }) as Record<string, unknown>;
  delete json.$schema; // the document's dialect is OpenAPI 3.1's default
  return json;
}

const problemSchema = {
  type: "object",
  description: "RFC 9457 problem details",
  properties: {
    type: { type: "string" },
    title: { type: "string" },
    status: { type: "integer" },
    detail: { type: "string" },
    correlationId: { type: "string" },
    errors: { type: "array", items: { type: "object", properties: { field: { type: "string" }, message: { type: "string" } }, required: ["field", "message"] } },
  },
  required: ["type", "title", "status"],
};

const problemResponse = (description: string) => ({ description, content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } });

/** What server/klaviyo/quota.ts sends once a request has been counted (IETF RateLimit header fields draft): the tighter of the credential's and the tenant's quota. */
const rateLimitHeaders = {
  "RateLimit-Limit": { schema: { type: "integer", minimum: 0 }, description: "requests per minute of the tighter quota (per credential or per tenant)" },
  "RateLimit-Remaining": { schema: { type: "integer", minimum: 0 }, description: "requests left in the current minute" },
  "RateLimit-Reset": { schema: { type: "integer", minimum: 0 }, description: "seconds until the current window ends" },
};

const commonErrors = {
  "400": problemResponse("Invalid JSON or body; `errors` names the failing fields"),
  "401": problemResponse("Missing or invalid credentials (or signature)"),
  "403": problemResponse("Wrong scope, another tenant's credentials, tenant suspended or Klaviyo integration disabled"),
  "404": problemResponse("Unknown tenant"),
  "405": problemResponse("Method other than POST"),
  "413": problemResponse("Body over 1 MiB"),
  "415": problemResponse("Body is not application/json"),
  "422": problemResponse("Idempotency-Key (or the body's event_id) already used within 24 h on this endpoint for a different body; `errors` names which"),
  "429": { ...problemResponse("Throttled; see Retry-After"), headers: { ...rateLimitHeaders, "Retry-After": { schema: { type: "integer", minimum: 0 }, description: "seconds until the quota that refused the request has room again" } } },
  "503": { ...problemResponse("Database unavailable; retry later"), headers: { "Retry-After": { schema: { type: "integer" } } } },
};

const correlationHeader = { "X-Correlation-Id": { schema: { type: "string" }, description: "one id per receipt, carried in logs and tasks" } };
const tenantParam = { name: "tenantId", in: "path", required: true, schema: { type: "string" }, description: "tenant slug or id" };
const dryRunParam = {
  name: "dryRun",
  in: "query",
  required: false,
  schema: { type: "string", enum: ["1", "true", "0", "false"] },
  description: "1 or true: validate, resolve the customer and pass and answer 200 with what would change, storing and sending nothing (Klaviyo's webhook preview)",
};

/** The pass the merchant API answers (server/klaviyo/passes-api.ts PassResource). */
const passSchema = {
  type: "object",
  properties: {
    serialNumber: { type: "string" },
    passTypeIdentifier: { type: "string", description: "the Apple Pass Type ID" },
    passType: { type: "string", description: "the tenant's pass type key" },
    customer: {
      type: "object",
      properties: { email: { type: ["string", "null"] }, phone: { type: ["string", "null"], description: "E.164" }, customerId: { type: ["string", "null"] }, custom: { type: "object", additionalProperties: { type: "string" } } },
      required: ["email", "phone", "customerId", "custom"],
    },
    data: { type: "object", description: "the pass's field values, typed" },
    links: {
      type: "object",
      description: "signed links, valid until expiresAt (the tenant's passLinkTtlDays)",
      properties: {
        page: { type: "string", format: "uri", description: "the Add to Wallet page: the pass, an Add to Apple Wallet button, a QR code on a desktop" },
        pkpass: { type: "string", format: "uri", description: "the .pkpass file" },
        googleSave: { type: ["string", "null"], format: "uri", description: "the Save to Google Wallet link (https://pay.google.com/gp/v/save/…), null when the tenant has no Google Wallet issuer" },
        expiresAt: { type: "string", format: "date-time" },
      },
      required: ["page", "pkpass", "expiresAt", "googleSave"],
    },
  },
  required: ["serialNumber", "passTypeIdentifier", "passType", "customer", "data", "links"],
};

const dryRunChanges = { type: "array", items: { type: "object", properties: { key: { type: "string" }, from: {}, to: {} }, required: ["key", "from", "to"] } };

const idempotencyParam = { name: "Idempotency-Key", in: "header", required: false, schema: { type: "string", maxLength: 200 }, description: "repeats on the same endpoint within 24 h answer as the first delivery; the same key with a different body is 422. Flow bodies may carry the same key as `event_id` instead (this header wins when both are sent)" };

/** Builds the document; `serverUrl` is the public base URL. */
export function openApiDocument(serverUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Passflow Klaviyo listeners and merchant API",
      version: "1.0.0",
      description: "Endpoints Klaviyo flows and system webhooks call to update Apple Wallet passes and customer profiles. Accepted requests are stored before the 2xx answer and processed asynchronously.",
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }, { apiKeyHeader: [] }],
    paths: {
      "/api/{tenantId}/webhooks/listeners/klaviyo/passes/pushUpdate": {
        post: {
          summary: "Update the customer's pass and push it to their devices",
          operationId: "pushUpdate",
          parameters: [tenantParam, idempotencyParam, dryRunParam],
          requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/PushUpdateRequest" } } } },
          responses: {
            "200": {
              description: "Accepted, empty body; the update runs asynchronously. With dryRun: the change it would make, nothing stored (a failure it would meet is answered as its problem)",
              headers: { ...correlationHeader, ...rateLimitHeaders },
              content: { "application/json": { schema: { type: "object", properties: { dryRun: { const: true }, pass: { type: "string", description: "serialNumber" }, changes: dryRunChanges }, required: ["dryRun", "pass", "changes"] } } },
            },
            ...commonErrors,
          },
        },
      },
      "/api/{tenantId}/webhooks/listeners/klaviyo/profiles/sync": {
        post: {
          summary: "Write profile changes (flow body) or consent events (signed system webhook) to the customer",
          operationId: "profileSync",
          parameters: [
            tenantParam,
            idempotencyParam,
            { name: "Klaviyo-Signature", in: "header", required: false, schema: { type: "string" }, description: "system webhooks: hex HMAC-SHA256 of body + Klaviyo-Timestamp" },
            { name: "Klaviyo-Timestamp", in: "header", required: false, schema: { type: "string" } },
            { name: "Klaviyo-Webhook-Id", in: "header", required: false, schema: { type: "string" } },
          ],
          security: [{ bearer: [] }, { apiKeyHeader: [] }, {}],
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: { oneOf: [{ $ref: "#/components/schemas/ProfileSyncRequest" }, { $ref: "#/components/schemas/KlaviyoSystemWebhook" }] },
              },
            },
          },
          responses: {
            "202": {
              description: "Accepted",
              headers: { ...correlationHeader, ...rateLimitHeaders },
              content: { "application/json": { schema: { type: "object", properties: { correlationId: { type: "string" } }, required: ["correlationId"] } } },
            },
            ...commonErrors,
          },
        },
      },
      "/api/{tenantId}/webhooks/listeners/klaviyo/passes/issue": {
        post: {
          summary: "Issue the customer's pass of a pass type (or find the one they hold and apply additionalData), then make its Add to Wallet page and .pkpass links",
          operationId: "passIssue",
          parameters: [tenantParam, idempotencyParam, dryRunParam],
          requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/PassIssueRequest" } } } },
          responses: {
            "200": {
              description: "dryRun only: what it would do (create a pass, update the customer's, or nothing), nothing stored",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: { dryRun: { const: true }, action: { enum: ["create", "update", "none"] }, pass: { type: ["string", "null"], description: "serialNumber of the pass found (null: a new one)" }, passType: { type: "string" }, changes: dryRunChanges },
                    required: ["dryRun", "action", "pass", "passType", "changes"],
                  },
                },
              },
            },
            "202": {
              description: "Accepted; the pass is issued asynchronously (the sync task's output holds its links)",
              headers: { ...correlationHeader, ...rateLimitHeaders },
              content: { "application/json": { schema: { type: "object", properties: { correlationId: { type: "string" } }, required: ["correlationId"] } } },
            },
            ...commonErrors,
          },
        },
      },
      "/api/{tenantId}/v1/passes": {
        post: {
          summary: "Issue a pass to the customer the identifiers name; the same customer and pass type again answers their pass (never a second one) with data applied as an update, pushed to their devices",
          operationId: "issuePass",
          parameters: [tenantParam],
          security: [{ bearer: ["Passes.Write"] }, { apiKeyHeader: ["Passes.Write"] }],
          requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/IssuePassRequest" } } } },
          responses: {
            "201": { description: "Issued", headers: { ...correlationHeader, ...rateLimitHeaders }, content: { "application/json": { schema: { $ref: "#/components/schemas/Pass" } } } },
            "200": { description: "The customer's pass of this type, data applied", headers: { ...correlationHeader, ...rateLimitHeaders }, content: { "application/json": { schema: { $ref: "#/components/schemas/Pass" } } } },
            "400": commonErrors["400"],
            "401": commonErrors["401"],
            "403": problemResponse("The credential lacks scope Passes.Write, belongs to another tenant, or the tenant is suspended"),
            "404": problemResponse("Unknown tenant, or no pass type passType"),
            "405": problemResponse("Method other than POST"),
            "409": problemResponse("The identifiers name different customers, or contradict the customer they name"),
            "413": commonErrors["413"],
            "415": commonErrors["415"],
            "429": commonErrors["429"],
            "503": commonErrors["503"],
          },
        },
      },
      "/api/{tenantId}/v1/passes/{serialNumber}": {
        get: {
          summary: "A pass, with fresh links",
          operationId: "getPass",
          parameters: [tenantParam, { name: "serialNumber", in: "path", required: true, schema: { type: "string" } }],
          security: [{ bearer: ["Passes.Write"] }, { apiKeyHeader: ["Passes.Write"] }],
          responses: {
            "200": { description: "The pass", headers: { ...correlationHeader, ...rateLimitHeaders }, content: { "application/json": { schema: { $ref: "#/components/schemas/Pass" } } } },
            "401": commonErrors["401"],
            "403": problemResponse("The credential lacks scope Passes.Write, belongs to another tenant, or the tenant is suspended"),
            "404": problemResponse("Unknown tenant, or no pass with that serialNumber"),
            "405": problemResponse("Method other than GET"),
            "429": commonErrors["429"],
            "503": commonErrors["503"],
          },
        },
      },
      "/api/{tenantId}/v1/customers/{customerId}": {
        delete: {
          summary: "Erase the customer's personal data: identifiers, properties, consent, pass data and the webhooks that carried them; its passes are voided and pushed once, then unregistered",
          operationId: "eraseCustomer",
          parameters: [tenantParam, { name: "customerId", in: "path", required: true, schema: { type: "string" }, description: "the merchant's customer id" }],
          security: [{ bearer: ["Passes.Write"] }, { apiKeyHeader: ["Passes.Write"] }],
          responses: {
            "204": { description: "Erased" },
            "401": commonErrors["401"],
            "403": problemResponse("The credential lacks scope Passes.Write, belongs to another tenant, or the tenant is suspended"),
            "404": problemResponse("Unknown tenant, or no customer with that customerId"),
            "405": problemResponse("Method other than DELETE"),
            "429": commonErrors["429"],
            "503": commonErrors["503"],
          },
        },
      },
    },
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "tenant API key (pf_…) or OAuth2 JWT with scope KlaviyoListener.Write (the listeners) or Passes.Write (the merchant API: passes, customer erasure)" },
        apiKeyHeader: { type: "apiKey", in: "header", name: "X-API-KEY" },
      },
      schemas: {
        PushUpdateRequest: schema(pushUpdateBody),
        PassIssueRequest: schema(passIssueBody),
        IssuePassRequest: schema(issuePassRequest),
        Pass: passSchema,
        ProfileSyncRequest: schema(profileSyncBody),
        KlaviyoSystemWebhook: schema(systemWebhookEnvelope),
        Problem: problemSchema,
      },
    },
  };
}
