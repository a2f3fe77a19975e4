/**
 * What a replay of a failed task can and cannot change, by its error code (README "Error codes"):
 * a final error fails again the same way until its cause is fixed, and the advice says what to
 * fix; others (merchant_unavailable, internal_error) may succeed on a replay. Plain data, no
 * database: the console shows it before a replay, in the browser too.
 */

/** Error codes that end a task at once; replaying the same input fails the same way. */
export const FINAL_ERROR_CODES = [
  "invalid_field_value",
  "identifier_conflict",
  "pass_not_found",
  "ambiguous_pass",
  "pass_type_not_found",
  "invalid_input",
  "merchant_rejected",
  "merchant_sync_not_configured",
  "klaviyo_key_rejected",
  "klaviyo_not_configured",
  "klaviyo_rejected",
] as const;
export type FinalErrorCode = (typeof FINAL_ERROR_CODES)[number];

/** What to fix before a replay of a task that failed with each final error can succeed. */
const FIX: Record<FinalErrorCode, string> = {
  invalid_field_value:
    "Fix the value named in the error in the Klaviyo flow (or add a field for that key to the pass type's field definitions), then send the webhook again; a replay runs the same input.",
  identifier_conflict:
    "The identifiers name different customers: correct the customer's email, phone or custom identifier in Klaviyo (or merge the customers) so they all name one.",
  pass_not_found: "No customer or pass matches the identifiers: issue the customer a pass (pass issue) or correct the identifiers Klaviyo sends.",
  ambiguous_pass: "The customer holds several live passes: send passType in the webhook so it says which pass, or void the passes that should not be live.",
  pass_type_not_found: "The webhook names a pass type this tenant does not have: correct passType in the Klaviyo flow or create that pass type.",
  invalid_input: "The webhook's body is not valid: correct the Klaviyo flow's request body (the error names the field).",
  merchant_rejected:
    "The merchant's system refused the sync-back (a 4xx): fix what it refused on the merchant's side, or the sync-back URL or secret in the tenant's integration settings.",
  merchant_sync_not_configured: "The tenant has no merchant sync-back URL or secret: set both in the tenant's integration settings.",
  klaviyo_key_rejected:
    "Klaviyo refused the tenant's private API key (unknown, revoked, or missing profiles:write / events:write): set a working key on the tenant page (Test connection proves it), then replay.",
  klaviyo_not_configured: "The tenant has no Klaviyo private API key: set one on the tenant page or with tenant update --klaviyo-api-key-stdin, then replay.",
  klaviyo_rejected: "Klaviyo refused what was sent (the error keeps Klaviyo's code and detail): fix the customer's identifiers or the field named, then replay.",
};

export function isFinalErrorCode(code: string | null | undefined): code is FinalErrorCode {
  return !!code && (FINAL_ERROR_CODES as readonly string[]).includes(code);
}

/** For a task that failed with a final error: what must be fixed before a replay can help; else null. */
export function finalErrorAdvice(code: string | null | undefined): string | null {
  return isFinalErrorCode(code) ? FIX[code] : null;
}
