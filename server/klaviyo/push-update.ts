/**
 * Parser of the pushUpdate flow body (`POST …/klaviyo/passes/pushUpdate`): validates it with
 * the zod schema and the tenant's identifiers, and returns the PASS_UPDATE task to store.
 */
import type { Tenant } from "@prisma/client";
import { hasIdentifier, normalizeIdentifiers } from "@/server/identifiers/identifiers";
import { pushUpdateBody, toPassUpdateInput } from "./schemas";
import { asInvalid, invalid, zodErrors } from "./invalid";
import type { Submission } from "./accept";

/**
 * Identifiers the tenant counts as not provided (`notProvidedValues`, blank always) are dropped.
 * @throws HttpProblem 400 naming the failing fields (shape, no usable identifier, malformed phone,
 *   a field value too precise for a number)
 */
export function parsePushUpdate(body: unknown, tenant: Tenant): Submission {
  const parsed = pushUpdateBody.safeParse(body);
  if (!parsed.success) throw invalid(zodErrors(parsed.error));
  const input = toPassUpdateInput(parsed.data, tenant.notProvidedValues);
  const ids = asInvalid(() => normalizeIdentifiers(input.identifiers, tenant), { fallback: "identifiers" });
  if (!hasIdentifier(ids)) {
    const custom = tenant.customIdentifierKeys.length ? `, or one of ${tenant.customIdentifierKeys.join(", ")}` : "";
    throw invalid([{ field: "identifiers", message: `give at least one non-empty identifier: email, phone, customerId${custom}` }]);
  }
  return { kind: "flow", endpoint: "PASS_PUSH_UPDATE", status: 200, task: { kind: "PASS_UPDATE", input }, eventId: parsed.data.event_id ?? undefined };
}
