/**
 * Customer identifiers and their normal forms. A customer is found by `email` (trimmed, lower
 * case), `phone` (E.164, read with the tenant's default region when written without a country
 * code, via libphonenumber-js), `customerId` (exact) or a custom key the tenant configured.
 * Empty strings count as absent: Klaviyo renders a missing profile property as "". So do the
 * tenant's `notProvidedValues` (placeholders such as "-" or "N/A"; `isNotProvided`, the one rule
 * field values follow too).
 */
import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import { z } from "zod";
import { DomainError } from "@/server/platform/errors";
import { isNotProvided } from "@/server/pass-types/fields";

export interface Identifiers {
  email?: string;
  phone?: string;
  customerId?: string;
  /** Custom identifier key → value (only keys the tenant configured). */
  custom: Record<string, string>;
}

/** `Jane.Doe@Example.com ` → `jane.doe@example.com`; undefined for empty input. */
export function normalizeEmail(value: string | null | undefined): string | undefined {
  const v = value?.trim().toLowerCase();
  return v ? v : undefined;
}

const emailAddress = z.email();

/**
 * True when `value` is an email address (zod's `z.email()`: ASCII local part and domain), the one
 * check every path that takes an email from outside uses: `pass issue`, profiles/sync.
 */
export function isEmailAddress(value: string): boolean {
  return emailAddress.safeParse(value).success;
}

/**
 * `(415) 555-0100` with region US → `+14155550100`. Undefined for empty input.
 * @throws DomainError invalid_input (field `phone`) when the number cannot be valid.
 */
export function normalizePhone(value: string | null | undefined, defaultRegion: string, field = "phone"): string | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  const parsed = parsePhoneNumberFromString(v, defaultRegion as CountryCode);
  if (!parsed || !parsed.isPossible()) throw new DomainError("invalid_input", `not a phone number: ${JSON.stringify(v)}`, field);
  return parsed.number;
}

/** The national digits of an E.164 number (`+14155550100` → `4155550100`), how any written form of it contains them. */
export function phoneDigits(e164: string): string {
  return parsePhoneNumberFromString(e164)?.nationalNumber ?? e164.replace(/\D/g, "");
}

/** The identifier keys every tenant has; a tenant adds its own (`customIdentifierKeys`). */
export const STANDARD_IDENTIFIER_KEYS = ["email", "phone", "customerId"] as const;

/** Keys of `raw` that are neither standard nor one of the tenant's custom keys (undefined values aside). */
export function unknownIdentifierKeys(raw: Record<string, unknown>, tenant: { customIdentifierKeys: string[] }): string[] {
  const known = new Set<string>([...STANDARD_IDENTIFIER_KEYS, ...tenant.customIdentifierKeys]);
  return Object.keys(raw).filter((k) => !known.has(k) && raw[k] !== undefined);
}

/**
 * Normalizes raw identifiers (as Klaviyo sends them) for a tenant. Unknown keys are ignored;
 * values are read as strings; a value not provided (blank, or one of the tenant's
 * `notProvidedValues`) is absent. Throws DomainError invalid_input for a malformed phone number.
 */
export function normalizeIdentifiers(
  raw: Record<string, unknown>,
  tenant: { defaultPhoneRegion: string; customIdentifierKeys: string[]; notProvidedValues?: readonly string[] },
): Identifiers {
  const str = (v: unknown) => {
    if (v === null || v === undefined) return undefined;
    const text = String(v).trim();
    return isNotProvided(text, tenant.notProvidedValues) ? undefined : text;
  };
  const custom: Record<string, string> = {};
  for (const key of tenant.customIdentifierKeys) {
    if (!Object.hasOwn(raw, key)) continue;
    const value = str(raw[key]);
    if (value) custom[key] = value;
  }
  return {
    email: normalizeEmail(str(raw.email)),
    phone: normalizePhone(str(raw.phone), tenant.defaultPhoneRegion, "identifiers.phone"),
    customerId: str(raw.customerId),
    custom,
  };
}

/** True when at least one identifier is present. */
export function hasIdentifier(ids: Identifiers): boolean {
  return Boolean(ids.email || ids.phone || ids.customerId || Object.keys(ids.custom).length);
}
