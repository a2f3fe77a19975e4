/**
 * Domain errors. Each carries a stable `code` (snake_case) that tasks store as `errorCode`, the
 * CLI prints; HTTP answers map them to a status in one table (server/platform/http/errors.ts),
 * which tRPC follows too.
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
  | "invalid_field_value"
  /** An Idempotency-Key used again, within its window, with a different body (the listeners). */
  | "idempotency_key_reused";

/** What a sync task had resolved (Pass.id, Customer.id) when it succeeded or failed. */
export interface TaskSubjects {
  passId?: string | null;
  customerRecordId?: string | null;
}

/** One failing input field: its path (`fields[3].key`, `images.icon.png`) and what is wrong. */
export interface DomainFieldError {
  field: string;
  message: string;
}

export class DomainError extends Error {
  override name = "DomainError";
  /**
   * What the task had resolved before this failure (set by `withTaskSubjects`): its work is
   * rolled back, so this is how the failed task still records the pass and customer it was about.
   */
  subjects: TaskSubjects = {};
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** The input field at fault, as a path such as `identifiers.phone`. */
    readonly field?: string,
    /**
     * Every failing field when there are several (a pass type definition names each at once);
     * `field` is then the first. HTTP answers list them as problem+json `errors`.
     */
    readonly errors?: DomainFieldError[],
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

/**
 * The tenant's wallet setup cannot do what was asked (no Pass Type ID certificate, an expired
 * one, APNs refusing the certificate or topic). Operators fix these; retrying the request later
 * may succeed (HTTP 503 with Retry-After). Thrown by server/wallet; defined here so the HTTP
 * error table can name it.
 */
export class WalletConfigError extends Error {
  override name = "WalletConfigError";
}

/**
 * Runs `work`, which happens after `subjects` were resolved: a DomainError it throws carries them
 * (subjects the error already names win), so the failed task records them (recordTaskFailure).
 * Other errors pass unchanged.
 */
export async function withTaskSubjects<T>(subjects: TaskSubjects, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof DomainError) err.subjects = { ...subjects, ...definedOnly(err.subjects) };
    throw err;
  }
}

function definedOnly(subjects: TaskSubjects): TaskSubjects {
  return Object.fromEntries(Object.entries(subjects).filter(([, v]) => v)) as TaskSubjects;
}
