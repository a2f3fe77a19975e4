/**
 * Errors of the Apple Wallet capability.
 *
 * - `PassKitError`: a web service request Passflow answers with a 4xx (malformed id, bad token,
 *   bad JSON…). Route handlers turn it into `application/problem+json` (RFC 9457).
 * - `WalletConfigError`: the tenant's wallet setup cannot do what was asked (no Pass Type ID
 *   certificate, an expired one, APNs refusing the certificate or topic). Operators fix these;
 *   retrying does not help.
 */
export class PassKitError extends Error {
  override name = "PassKitError";
  constructor(
    readonly status: 400 | 401 | 404 | 410 | 413 | 415,
    readonly title: string,
    detail?: string,
  ) {
    super(detail ?? title);
  }
}

export class WalletConfigError extends Error {
  override name = "WalletConfigError";
}
