/**
 * The one table from errors to HTTP answers. Every route handler (through ./route.ts) and the
 * Klaviyo listener pipeline answer what they catch with `errorResponse`; tRPC derives its codes
 * from the same statuses (server/trpc/init.ts).
 *
 *   HttpProblem (and subclasses: PassKitError…)  its own status, detail, fields and headers
 *   DomainError                                  DOMAIN_ERROR_STATUS[code], detail, `errors` naming its field(s)
 *   WalletConfigError                            503 + Retry-After: 300 (operators fix the setup)
 *   the database unavailable                     503 + Retry-After: 30 (Klaviyo and devices retry)
 *   anything else                                500, logged once with its stack; the answer has none
 */
import { DomainError, WalletConfigError, type DomainErrorCode } from "../errors";
import { logger } from "../log";
import { isDatabaseUnavailable } from "../unavailable";
import { HttpProblem, problem, type ProblemInit } from "./problem";

/** The HTTP status of each domain error code. */
export const DOMAIN_ERROR_STATUS = {
  invalid_input: 400,
  invalid_field_value: 400,
  not_found: 404,
  tenant_not_found: 404,
  pass_type_not_found: 404,
  pass_not_found: 404,
  conflict: 409,
  identifier_conflict: 409,
  ambiguous_pass: 409,
  idempotency_key_reused: 422,
} as const satisfies Record<DomainErrorCode, number>;

/** Seconds a client is asked to wait when the tenant's wallet setup is incomplete. */
export const RETRY_AFTER_WALLET_CONFIG_S = 300;
/** Seconds a client is asked to wait when the database is unavailable. */
export const RETRY_AFTER_UNAVAILABLE_S = 30;

export interface MappedError {
  problem: ProblemInit;
  /** False for an error no table row covers: a bug or an outage nobody classified (500). */
  expected: boolean;
}

/** The problem that answers `err` (module comment). */
export function mapError(err: unknown): MappedError {
  if (err instanceof HttpProblem) return { problem: err.init, expected: true };
  if (err instanceof DomainError && err.code in DOMAIN_ERROR_STATUS) {
    const status = DOMAIN_ERROR_STATUS[err.code];
    const errors = err.errors?.length ? err.errors : err.field ? [{ field: err.field, message: err.message }] : undefined;
    return { problem: { status, detail: err.message, ...(errors ? { errors } : {}) }, expected: true };
  }
  if (err instanceof WalletConfigError) {
    return { problem: { status: 503, detail: err.message, headers: { "retry-after": String(RETRY_AFTER_WALLET_CONFIG_S) } }, expected: true };
  }
  if (isDatabaseUnavailable(err)) {
    return { problem: { status: 503, detail: "the database is unavailable; retry later", headers: { "retry-after": String(RETRY_AFTER_UNAVAILABLE_S) } }, expected: true };
  }
  return { problem: { status: 500 }, expected: false };
}

export interface ErrorContext {
  /** Added to the answer (body and X-Correlation-Id) when the request has one. */
  correlationId?: string;
  /** Headers the answer carries besides the problem's own (e.g. RateLimit-*). */
  headers?: Record<string, string>;
  /** Fields of the one log line (e.g. the endpoint). */
  log?: Record<string, unknown>;
}

/**
 * Answers `err` as problem+json and logs it once: a 4xx at info, a known 5xx (wallet setup,
 * database) at error with its message, anything unexpected at error with its stack (which never
 * reaches the answer).
 */
export function errorResponse(err: unknown, context: ErrorContext = {}): Response {
  const { problem: init, expected } = mapError(err);
  if (!expected) logger.error({ ...context.log, err }, "request failed");
  else if (init.status >= 500) logger.error({ ...context.log, status: init.status, err: (err as Error).message }, "request failed: service unavailable");
  else logger.info({ ...context.log, status: init.status, detail: init.detail, errors: init.errors }, "request rejected");
  return problem({ ...init, correlationId: context.correlationId, headers: { ...context.headers, ...init.headers } });
}
