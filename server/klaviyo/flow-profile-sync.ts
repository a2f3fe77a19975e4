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

/** @throws HttpProblem 401 (an unsigned envelope), 400 naming the failing fields */
export function parseFlowProfileSync(body: unknown, tenant: Tenant): Submission {
  if (isSystemWebhookEnvelope(body)) {
    throw new HttpProblem({ status: 401, detail: "system webhooks must carry Klaviyo-Signature and Klaviyo-Timestamp" });
  }
  const parsed = profileSyncBody.safeParse(body);
  if (!parsed.success) throw invalid(zodErrors(parsed.error));
  if (!parsed.data.email && !parsed.data.phone_number) {
    throw invalid([{ field: "email", message: "give email or phone_number (or both)" }]);
  }
  const input = flowToProfileSyncInput(parsed.data);
  if (input.phone) asInvalid(() => normalizeIdentifiers({ phone: input.phone! }, tenant), { always: "phone_number" });
  return { kind: "flow", endpoint: "PROFILE_SYNC", status: 202, task: { kind: "PROFILE_SYNC", input } };
}
