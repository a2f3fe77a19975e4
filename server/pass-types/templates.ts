/**
 * Barcode templates (`{customerId}`, `{serialNumber}`, `{<custom identifier key>}`): their
 * placeholders and how one pass renders them. No imports: the console's preview renders them in
 * the browser with the same function builds use.
 */
import type { BarcodeDefinition } from "./definition";

/** A `{name}` placeholder of a template. */
export const PLACEHOLDER = /\{([^{}]*)\}/g;

/** Names a placeholder may use besides the tenant's custom identifier keys. */
export const BUILT_IN_PLACEHOLDERS = ["customerId", "serialNumber"] as const;

/** The placeholder names of a template (`"{customerId}-{loyaltyNumber}"` → customerId, loyaltyNumber). */
export function templatePlaceholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/**
 * Renders a barcode template for one pass: `{customerId}`, `{serialNumber}` and `{<key>}` of the
 * customer's custom identifiers; a placeholder with no value renders empty. A non-empty template
 * that renders empty gives the serial number (a barcode always has a message).
 */
export function renderTemplate(text: string, values: { serialNumber: string; customerId: string | null; identifiers: Record<string, string> }): string {
  const out = text.replace(PLACEHOLDER, (_m, name: string) => {
    if (name === "serialNumber") return values.serialNumber;
    if (name === "customerId") return values.customerId ?? "";
    return values.identifiers[name] ?? "";
  });
  return out === "" && text !== "" ? values.serialNumber : out;
}

/** The barcode a definition without one shows (what every pass showed before definitions). */
export const DEFAULT_BARCODE: BarcodeDefinition = { format: "QR", message: "{customerId}", altText: "{customerId}", encoding: "iso-8859-1" };
