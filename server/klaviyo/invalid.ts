/** The 400 answers the listener parsers share: a problem naming the failing fields. */
import type { z } from "zod";
import { DomainError } from "@/server/platform/errors";
import { HttpProblem, type FieldError } from "@/server/platform/http/problem";

/** A 400 problem naming `errors`. */
export function invalid(errors: FieldError[], detail = "the request body is invalid"): HttpProblem {
  return new HttpProblem({ status: 400, detail, errors });
}

/** The failing fields of a zod error (`body` for the top level). */
export function zodErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({ field: i.path.length ? i.path.join(".") : "body", message: i.message }));
}

/** Runs `check`; a DomainError it throws becomes a 400 naming `field` (or the error's own field when `field` is a fallback). */
export function asInvalid<T>(check: () => T, field: { fallback: string } | { always: string }): T {
  try {
    return check();
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    throw invalid([{ field: "always" in field ? field.always : (err.field ?? field.fallback), message: err.message }]);
  }
}
