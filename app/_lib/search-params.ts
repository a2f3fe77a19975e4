/** Reads a page's URL filters with the same zod schema its procedure validates. */
import type { z } from "zod";

export type SearchParams = Record<string, string | string[] | undefined>;

/** Plain values of the search params, empty ones left out (first value of repeated ones). */
export function plainParams(params: SearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    const value = Array.isArray(v) ? v[0] : v;
    if (value !== undefined && value.trim() !== "") out[k] = value.trim();
  }
  return out;
}

/** The parsed filter, or the problems that make the URL's filter invalid. */
export function parseParams<S extends z.ZodType>(schema: S, params: SearchParams): { ok: true; data: z.infer<S>; raw: Record<string, string> } | { ok: false; problems: string[]; raw: Record<string, string> } {
  const raw = plainParams(params);
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, data: result.data, raw };
  return { ok: false, problems: result.error.issues.map((i) => `${i.path.join(".") || "filter"}: ${i.message}`), raw };
}
