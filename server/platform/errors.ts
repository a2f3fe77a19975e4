/**
 * Domain errors. Each carries a stable `code` (snake_case) that tasks store as `errorCode`, the
 * CLI prints, and HTTP/tRPC layers map to a status in one place each.
 */
export type DomainErrorCode =
  | "not_found"
  | "conflict"
  | "invalid_input"
  | "tenant_not_found"
  | "pass_type_not_found"
  | "pass_not_found"
  | "identifier_conflict"
  /** The customer holds several live passes and the request does not say which (pass-update). */
  | "ambiguous_pass"
  /** A field value that cannot be coerced to its field definition's type. */
  | "invalid_field_value";

export class DomainError extends Error {
  override name = "DomainError";
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** The input field at fault, as a path such as `identifiers.phone`. */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** A failure that ends the task at once (never retried), with its stable error code. */
export class FinalTaskError extends Error {
  override name = "FinalTaskError";
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A failure worth retrying that still deserves its own error code (e.g. merchant_unavailable). */
export class RetriableTaskError extends Error {
  override name = "RetriableTaskError";
  constructor(
    readonly code: string,
    message: string,
    /** Seconds the remote side asked us to wait (HTTP Retry-After), when it did. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}
