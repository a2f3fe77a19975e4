/** Test helper: CSV files of customers for bulk enrolment (server/passes/imports.ts). */

/** The header of `enrolmentCsv` files. */
export const ENROLMENT_HEADER = "email,phone,loyaltyNumber,memberName,points,offerExpires";

/**
 * A CSV file of `rows` customers (row n has email `<prefix>-<n>@example.com`) whose rows listed
 * in `bad` carry one mistake each, by kind: `email` (not an address), `points` (not a number),
 * `offerExpires` (not a date).
 */
export function enrolmentCsv(prefix: string, rows: number, bad: Record<number, "email" | "points" | "offerExpires"> = {}): string {
  const lines = [ENROLMENT_HEADER];
  for (let n = 1; n <= rows; n++) {
    const fault = bad[n];
    const email = fault === "email" ? `not-an-email-${n}` : `${prefix}-${n}@example.com`;
    const points = fault === "points" ? "lots" : String(n * 10);
    const expires = fault === "offerExpires" ? "2026-13-45" : "2026-12-31";
    // every tenth customer with a quoted name holding a comma, every seventh without a phone
    const name = n % 10 === 0 ? `"Member, No. ${n}"` : `Member ${n}`;
    const phone = n % 7 === 0 ? "" : `+4420${70_000_000 + n}`;
    lines.push([email, phone, `LN-${prefix}-${n}`, name, points, expires].join(","));
  }
  return lines.join("\n") + "\n";
}

/** `text` as a stream of `size`-byte pieces, as a file or a request body arrives. */
export async function* pieces(text: string, size = 7_000): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
