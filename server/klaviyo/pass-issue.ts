/**
 * Parser of the passes/issue flow body (`POST …/klaviyo/passes/issue`): pushUpdate's shape with
 * the pass type required; validates it with the zod schema and the tenant's identifiers (as a pass
 * issue checks them: server/passes/passes.ts `issuingIdentifiers`) and returns the PASS_ISSUE task.
 */
import type { Tenant } from "@prisma/client";
import { issuingIdentifiers } from "@/server/passes/passes";
import { passIssueBody, toPassIssueInput } from "./schemas";
import { asInvalid, invalid, zodErrors } from "./invalid";
import type { Submission } from "./accept";

/**
 * Identifiers the tenant counts as not provided (blank, `notProvidedValues`) are dropped first.
 * @throws HttpProblem 400 naming the failing fields (shape, passType missing, no usable
 *   identifier, an unknown identifier key, a malformed phone or email)
 */
export function parsePassIssue(body: unknown, tenant: Tenant): Submission {
  const parsed = passIssueBody.safeParse(body);
  if (!parsed.success) throw invalid(zodErrors(parsed.error));
  const input = toPassIssueInput(parsed.data, tenant.notProvidedValues);
  asInvalid(() => issuingIdentifiers(input.identifiers, tenant), { fallback: "identifiers" });
  return { kind: "flow", endpoint: "PASS_ISSUE", status: 202, task: { kind: "PASS_ISSUE", input }, eventId: parsed.data.event_id ?? undefined };
}
