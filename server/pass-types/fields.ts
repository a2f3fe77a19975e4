/**
 * Typing Klaviyo's values by a pass type's field definitions. Klaviyo renders template values as
 * text ("120", "2026-12-31", ""), JSON bodies may carry numbers and booleans; each value is
 * coerced to the field's type or refused with the field named:
 *
 * | type     | accepts                                                     | stored as                 |
 * |----------|-------------------------------------------------------------|---------------------------|
 * | number   | a finite number, or text like `120`, `-3.5`, `1,250`        | JSON number               |
 * | currency | as number, with an optional symbol or the field's ISO code  | JSON number, 2 decimals   |
 * |          | (`$12.50`, `12.50 USD`); a symbol of another currency (`€5` |                           |
 * |          | for a USD field) is refused                                  |                           |
 * | date     | ISO 8601 text: `2026-12-31`, `2026-12-31T18:00:00+01:00`,   | ISO 8601 UTC text         |
 * |          | Klaviyo's `2026-12-31 18:00:00` (read as UTC)               | (`…T17:00:00.000Z`)       |
 * | text     | text, numbers and booleans                                  | JSON string               |
 *
 * `null` removes the field (also a value the pass type has no field for, such as one left by a
 * conversion); an empty (or blank) string means "not provided" and leaves the field as it is, so a
 * Klaviyo template whose property is missing never wipes a value. So does one of the tenant's
 * `notProvidedValues` (placeholders a template's `default` filter renders, such as `-` or `N/A`):
 * `isNotProvided` is the one rule, for identifiers and field values alike.
 */
import type { FieldDefinition } from "./pass-types";
import { DomainError } from "@/server/platform/errors";
import { z } from "zod";

/** A value Klaviyo can put in a pass field: template output is text; JSON bodies may use numbers and booleans. */
export const fieldValue = z.union([z.string(), z.number(), z.boolean(), z.null()], { error: "must be a string, number, boolean or null" });

/** A value as Klaviyo sends it. */
export type RawFieldValue = string | number | boolean | null;

/** A stored pass data value. */
export type FieldValue = string | number;

/**
 * Whether a value Klaviyo sent means "not provided" (leave what is stored as it is): a blank
 * string, or a string that is, once trimmed, one of the tenant's `notProvidedValues` (exact,
 * case-sensitive). Numbers, booleans and null are always provided (null removes).
 */
export function isNotProvided(value: unknown, notProvidedValues?: readonly string[] | null): boolean {
  if (typeof value !== "string") return false;
  const text = value.trim();
  return text === "" || (notProvidedValues?.includes(text) ?? false);
}

const NUMBER = /^[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?$/;
/** A currency symbol leading or trailing an amount (`$12.50`, `12,50€`). */
const CURRENCY_SYMBOL = /^[$€£¥]|[$€£¥]$/;
/** Which ISO 4217 codes a symbol may stand for ($: the dollars and pesos, so anything but these). */
const SYMBOL_CURRENCIES: Record<string, (code: string) => boolean> = {
  "€": (code) => code === "EUR",
  "£": (code) => code === "GBP",
  "¥": (code) => code === "JPY" || code === "CNY",
  $: (code) => !["EUR", "GBP", "JPY", "CNY"].includes(code),
};
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;

function invalid(field: string, message: string): DomainError {
  return new DomainError("invalid_field_value", `${field}: ${message}`, field);
}

function parseNumber(field: string, value: RawFieldValue, text: string, kind: string): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw invalid(field, `${kind} must be finite`);
    return value;
  }
  if (typeof value === "boolean" || !NUMBER.test(text)) throw invalid(field, `${JSON.stringify(value)} is not a ${kind}`);
  return Number(text.replaceAll(",", ""));
}

function validCalendarDate(y: number, m: number, d: number): boolean {
  const date = new Date(0);
  date.setUTCFullYear(y, m - 1, d); // not Date.UTC, which reads years 0-99 as 1900-1999
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function parseDate(field: string, value: RawFieldValue): string {
  const text = typeof value === "string" ? value.trim() : "";
  const dateOnly = DATE_ONLY.exec(text);
  const dateTime = DATE_TIME.exec(text);
  const parts = dateOnly ?? dateTime;
  if (typeof value !== "string" || !parts || !validCalendarDate(Number(parts[1]), Number(parts[2]), Number(parts[3]))) {
    throw invalid(field, `${JSON.stringify(value)} is not an ISO 8601 date`);
  }
  if (dateOnly) return `${text}T00:00:00.000Z`;
  const zone = dateTime![7] ?? "Z";
  const iso = `${parts[1]}-${parts[2]}-${parts[3]}T${parts[4]}:${parts[5]}:${dateTime![6] ?? "00"}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms) || Number(parts[4]) > 23 || Number(parts[5]) > 59) throw invalid(field, `${JSON.stringify(value)} is not an ISO 8601 date`);
  return new Date(ms).toISOString();
}

/**
 * Coerces one value for `def`. Returns `undefined` for "not provided" (`isNotProvided` with the
 * tenant's `notProvidedValues`) and `null` for "remove the field". `path` names the value in
 * errors (default `additionalData.<key>`).
 * @throws DomainError invalid_field_value naming `path`
 */
export function coerceFieldValue(
  def: FieldDefinition,
  value: RawFieldValue,
  path = `additionalData.${def.key}`,
  notProvidedValues: readonly string[] = [],
): FieldValue | null | undefined {
  if (value === null) return null;
  if (isNotProvided(value, notProvidedValues)) return undefined;
  const text = typeof value === "string" ? value.trim() : String(value);
  switch (def.type) {
    case "number":
      return parseNumber(path, value, text, "number");
    case "currency": {
      const symbol = CURRENCY_SYMBOL.exec(text)?.[0];
      if (symbol && def.currencyCode && !SYMBOL_CURRENCIES[symbol]!(def.currencyCode.toUpperCase())) {
        throw invalid(path, `${JSON.stringify(value)} is not an amount in ${def.currencyCode}`);
      }
      let amount = text.replace(new RegExp(CURRENCY_SYMBOL, "g"), "").trim();
      if (def.currencyCode) amount = amount.replace(new RegExp(`^${def.currencyCode}\\s*|\\s*${def.currencyCode}$`, "i"), "");
      const n = parseNumber(path, value, amount, "currency amount");
      return Math.round(n * 100) / 100;
    }
    case "date":
      return parseDate(path, value);
    case "text":
      return text;
  }
}

/**
 * Applies `values` to `data` by the field definitions and returns the new data (the input is not
 * modified). Every value is checked before anything is returned, so a bad value leaves no partial
 * result. Keys with no field definition are refused, or skipped with `ignoreUnknown` (profile
 * properties that no field shows). `source` names the values in errors (`additionalData`);
 * `notProvidedValues` are the tenant's placeholders that leave a field as it is (blank always does).
 * @throws DomainError invalid_field_value naming every field at fault (`field`: the first), so a
 *   flow's author fixes them in one round
 */
export function applyFieldValues(
  data: Record<string, unknown>,
  values: Record<string, RawFieldValue>,
  fields: FieldDefinition[],
  opts: { passTypeKey: string; source?: string; ignoreUnknown?: boolean; notProvidedValues?: readonly string[] },
): Record<string, unknown> {
  const next = { ...data };
  const source = opts.source ?? "additionalData";
  const faults: DomainError[] = [];
  for (const [key, raw] of Object.entries(values)) {
    const def = fields.find((f) => f.key === key);
    if (!def) {
      if (opts.ignoreUnknown) continue;
      // a value no field shows (left by a pass type conversion) can still be removed
      if (raw === null && Object.hasOwn(next, key)) {
        delete next[key];
        continue;
      }
      faults.push(invalid(`${source}.${key}`, `pass type ${opts.passTypeKey} has no field ${JSON.stringify(key)}`));
      continue;
    }
    try {
      const value = coerceFieldValue(def, raw, `${source}.${key}`, opts.notProvidedValues);
      if (value === null) delete next[key];
      else if (value !== undefined) next[key] = value;
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      faults.push(err);
    }
  }
  if (faults.length === 1) throw faults[0];
  if (faults.length > 1) throw new DomainError("invalid_field_value", faults.map((f) => f.message).join("; "), faults[0]!.field);
  return next;
}
