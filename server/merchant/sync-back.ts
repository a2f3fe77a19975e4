/**
 * Sync-back: tells the merchant's own system (Tenant.merchantSyncUrl) about a customer change
 * Passflow applied from Klaviyo, as a JSON POST signed per the Standard Webhooks spec
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature`; secret in
 * Tenant.merchantSyncSecretEncrypted, `whsec_…`).
 *
 * Loop prevention: what Passflow sends says `"origin": "passflow"` in the body and
 * `X-Passflow-Origin: passflow` in the headers; a merchant system writing the change on to Klaviyo
 * marks it as its own, and a profile change whose origin is `merchant` is never sent back, so
 * merchant → Klaviyo → Passflow → merchant cannot loop.
 *
 * The webhook id is `task-<taskId>`: stable across retries, so the merchant can drop repeats.
 * Answers: 2xx done; 408, 429, 5xx and network errors are retried (429/503 Retry-After honoured);
 * any other 4xx is final (`merchant_rejected`).
 */
import { Webhook } from "standardwebhooks";
import { db } from "../db/client";
import { decryptSecret } from "@/server/platform/crypto";
import { env } from "@/server/platform/env";
import { logger } from "@/server/platform/log";
import { FinalTaskError, RetriableTaskError } from "@/server/platform/errors";
import { retryAfterSeconds } from "@/server/platform/http/retry-after";
import type { ProfileSyncInput, ProfileSyncResult } from "@/server/customers/profile-sync";
import { readConsent, type CustomerConsent } from "@/server/customers/consent";

export const PASSFLOW_ORIGIN = "passflow";
export const ORIGIN_HEADER = "X-Passflow-Origin";

export type SyncBackResult = { status: number } | { skipped: "not_configured" | "origin_merchant" | "customer_not_found" };

/** The JSON body sent to the merchant. */
export interface MerchantSyncPayload {
  type: "customer.updated";
  origin: typeof PASSFLOW_ORIGIN;
  tenant: string;
  taskId: string;
  correlationId: string;
  /** When the change happened: the Klaviyo event's time, else when Passflow applied it (retries and replays keep it). */
  occurredAt: string;
  customer: {
    id: string;
    email: string | null;
    phone: string | null;
    customerId: string | null;
    klaviyoProfileId: string | null;
    /**
     * Per channel (email, sms), as Klaviyo models it: `status` (Klaviyo consent), `suppressions`
     * `[{ reason, timestamp }]`, `listSuppressions`, `canReceiveMarketing`, `consentAt`, `method`,
     * `updatedAt` (server/customers/consent.ts).
     */
    consent: CustomerConsent;
    properties: unknown;
  };
  /** What this change did: `{ field: { before, after } }`. */
  changes: ProfileSyncResult["customerChanges"];
}

/**
 * Sends the customer's current state and the changes to the tenant's merchant system, unless it
 * has none configured, the change came from it, or no customer was found.
 * @throws RetriableTaskError merchant_unavailable; FinalTaskError merchant_rejected,
 *   merchant_sync_not_configured (URL without a secret, or a secret not in the whsec_ form)
 */
export async function syncBackToMerchant(args: {
  tenantId: string;
  taskId: string;
  correlationId: string;
  input: ProfileSyncInput;
  result: ProfileSyncResult;
}): Promise<SyncBackResult> {
  const { tenantId, taskId, correlationId, input, result } = args;
  if (input.origin === "merchant") return { skipped: "origin_merchant" };
  if (!result.customerRecordId) return { skipped: "customer_not_found" };
  const tenant = await db().tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { slug: true, merchantSyncUrl: true, merchantSyncSecretEncrypted: true } });
  if (!tenant.merchantSyncUrl) return { skipped: "not_configured" };
  if (!tenant.merchantSyncSecretEncrypted) {
    throw new FinalTaskError("merchant_sync_not_configured", "the tenant has a merchant sync URL but no signing secret");
  }
  const customer = await db().customer.findUniqueOrThrow({ where: { id: result.customerRecordId } });
  const payload: MerchantSyncPayload = {
    type: "customer.updated",
    origin: PASSFLOW_ORIGIN,
    tenant: tenant.slug,
    taskId,
    correlationId,
    // when the change happened, not when this attempt (a retry, a replay resuming it) sends it,
    // so the merchant can order it against newer changes
    occurredAt: input.occurredAt ?? result.appliedAt ?? new Date().toISOString(),
    customer: {
      id: customer.id,
      email: customer.email,
      phone: customer.phone,
      customerId: customer.customerId,
      klaviyoProfileId: customer.klaviyoProfileId,
      consent: readConsent(customer.consent),
      properties: customer.properties,
    },
    changes: result.customerChanges,
  };
  const body = JSON.stringify(payload);
  const webhookId = `task-${taskId}`;
  const now = new Date();
  let signer: Webhook;
  try {
    signer = new Webhook(decryptSecret(tenant.merchantSyncSecretEncrypted));
  } catch {
    // secrets stored before the form was checked: retrying cannot help, an operator must set a new one
    throw new FinalTaskError("merchant_sync_not_configured", "the merchant sync secret is not a Standard Webhooks secret (whsec_…); set a new one");
  }
  const signature = signer.sign(webhookId, now, body);
  let res: Response;
  try {
    res = await fetch(tenant.merchantSyncUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Passflow-SyncBack/1",
        "webhook-id": webhookId,
        "webhook-timestamp": Math.floor(now.getTime() / 1000).toString(),
        "webhook-signature": signature,
        [ORIGIN_HEADER]: PASSFLOW_ORIGIN,
        "X-Correlation-Id": correlationId,
      },
      body,
      signal: AbortSignal.timeout(env.MERCHANT_SYNC_TIMEOUT_MS),
      redirect: "manual",
    });
    await res.arrayBuffer().catch(() => undefined);
  } catch (err) {
    throw new RetriableTaskError("merchant_unavailable", `merchant system unreachable: ${(err as Error).message}`);
  }
  logger.info({ taskId, status: res.status, url: tenant.merchantSyncUrl }, "merchant sync-back answered");
  if (res.status >= 200 && res.status < 300) return { status: res.status };
  if (res.status === 408 || res.status === 429 || res.status >= 500) {
    throw new RetriableTaskError("merchant_unavailable", `merchant system answered HTTP ${res.status}`, retryAfterSeconds(res.headers.get("retry-after")));
  }
  throw new FinalTaskError("merchant_rejected", `merchant system refused the change: HTTP ${res.status}`);
}
