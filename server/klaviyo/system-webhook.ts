/**
 * Signed Klaviyo system webhooks (`POST …/klaviyo/profiles/sync` with Klaviyo-Signature): the
 * signature check that authenticates them (HMAC-SHA256 of body + Klaviyo-Timestamp with the
 * tenant's current or previous webhook secret, server/klaviyo/signature.ts) and the parser of
 * the envelope, one PROFILE_SYNC task per event.
 */
import type { Tenant } from "@prisma/client";
import { decryptSecret } from "@/server/platform/crypto";
import { HttpProblem } from "@/server/platform/http/problem";
import { systemEventToProfileSyncInput, systemWebhookEnvelope } from "./schemas";
import { verifyKlaviyoSignature } from "./signature";
import { invalid, zodErrors } from "./invalid";
import type { Principal } from "./credentials";
import type { Submission } from "./accept";

/** Whether a request to the profile-sync listener is a signed system webhook. */
export function isSignedSystemWebhook(headers: Headers): boolean {
  return headers.has("klaviyo-signature");
}

function webhookSecrets(tenant: Tenant): string[] {
  return [tenant.klaviyoWebhookSecretEncrypted, tenant.klaviyoWebhookSecretPrevEncrypted].filter((s): s is string => !!s).map(decryptSecret);
}

/** @throws HttpProblem 401 (no secret configured, bad or stale signature) */
export function authenticateSignature(tenant: Tenant, headers: Headers, rawBody: string): Principal {
  const secrets = webhookSecrets(tenant);
  if (secrets.length === 0) {
    throw new HttpProblem({ status: 401, detail: "this tenant has no Klaviyo system-webhook secret configured (CLI: tenant update --klaviyo-webhook-secret-stdin)" });
  }
  const check = verifyKlaviyoSignature({ secrets, rawBody, signature: headers.get("klaviyo-signature"), timestamp: headers.get("klaviyo-timestamp") });
  if (!check.ok) throw new HttpProblem({ status: 401, detail: check.reason });
  return { kind: "signature", id: `sig:${tenant.id}`, label: "klaviyo-signature" };
}

/** @throws HttpProblem 400 naming the failing fields, 401 when Klaviyo-Webhook-Id does not match the envelope */
export function parseSystemWebhook(body: unknown, headers: Headers): Submission {
  const parsed = systemWebhookEnvelope.safeParse(body);
  if (!parsed.success) throw invalid(zodErrors(parsed.error), "a signed request must be a Klaviyo system-webhook envelope");
  const webhookId = headers.get("klaviyo-webhook-id");
  if (webhookId !== parsed.data.meta.klaviyo_webhook_id) {
    throw new HttpProblem({ status: 401, detail: "Klaviyo-Webhook-Id does not match meta.klaviyo_webhook_id" });
  }
  const events = parsed.data.data.map((e) => ({ externalId: e.external_id, input: systemEventToProfileSyncInput(e) }));
  return { kind: "system", endpoint: "PROFILE_SYNC", status: 202, webhookId, events };
}
