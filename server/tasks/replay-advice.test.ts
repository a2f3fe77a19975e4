import { describe, expect, it } from "vitest";
import { FINAL_ERROR_CODES, finalErrorAdvice, isFinalErrorCode } from "./replay-advice";

describe("replay advice", () => {
  it("names what to fix for every final error code of the README, and nothing for retried ones", () => {
    expect([...FINAL_ERROR_CODES].sort()).toEqual(
      [
        "ambiguous_pass",
        "identifier_conflict",
        "invalid_field_value",
        "invalid_input",
        "klaviyo_key_rejected",
        "klaviyo_not_configured",
        "klaviyo_rejected",
        "merchant_rejected",
        "merchant_sync_not_configured",
        "pass_not_found",
        "pass_type_not_found",
      ],
    );
    for (const code of FINAL_ERROR_CODES) expect(finalErrorAdvice(code)).toMatch(/\w{3,}/);
    expect(finalErrorAdvice("invalid_field_value")).toContain("field definitions");
    expect(finalErrorAdvice("ambiguous_pass")).toContain("passType");
    expect(finalErrorAdvice("klaviyo_key_rejected")).toContain("Test connection");
    for (const code of ["merchant_unavailable", "klaviyo_throttled", "klaviyo_unavailable", "internal_error", null, undefined, ""]) {
      expect(isFinalErrorCode(code)).toBe(false);
      expect(finalErrorAdvice(code)).toBeNull();
    }
  });
});
