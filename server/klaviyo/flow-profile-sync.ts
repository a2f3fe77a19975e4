/**
 * Parser of the flow profile-sync body (`POST …/klaviyo/profiles/sync` without
 * Klaviyo-Signature): email and/or phone_number plus profile fields; returns the PROFILE_SYNC
 * task to store. An unsigned system-webhook envelope is refused (401): it must be signed.
 */
import type { Tenant } from "@prisma/client";
import { HttpProblem } from "@/server/platform/http/problem";
import { normalizeIdentifiers } from "@/server/identifiers/identifiers";
import { flowToProfileSyncInput, isSystemWebhookEnvelope, profileSyncBody } from "./schemas";
import { asInvalid, invalid, zodErrors } from "./invalid";
import type { Submission } from "./accept";

/**
 * Identifiers the tenant counts as not provided (`notProvidedValues`) are absent; the body's
 * `event_id` is returned as the submission's idempotency key.
 * @throws HttpProblem 401 (an unsigned envelope), 400 naming the failing fields
 */
export function parseFlowProfileSync(body: unknown, tenant: Tenant): Submission {
  if (isSystemWebhookEnvelope(body)) {
    throw new HttpProblem({ status: 401, detail: "system webhooks must carry Klaviyo-Signature and Klaviyo-Timestamp" });
  }
  const parsed = profileSyncBody.safeParse(body);
  if (!parsed.success) throw invalid(zodErrors(parsed.error));
  const input = flowToProfileSyncInput(parsed.data, tenant.notProvidedValues);
  if (!input.email && !input.phone) {
    throw invalid([{ field: "email", message: "give email or phone_number (or both)" }]);
  }
  if (input.phone) asInvalid(() => normalizeIdentifiers({ phone: input.phone! }, tenant), { always: "phone_number" });
  return { kind: "flow", endpoint: "PROFILE_SYNC", status: 202, task: { kind: "PROFILE_SYNC", input }, eventId: parsed.data.event_id ?? undefined };
}
