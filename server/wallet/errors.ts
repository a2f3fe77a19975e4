/**
 * Errors of the Apple Wallet capability.
 *
 * - `PassKitError`: a web service request Passflow answers with a 4xx (malformed id, bad token,
 *   bad JSON…), at the status Apple's "Wallet Passes web service" reference asks for (401 for a
 *   wrong ApplePass token). An HttpProblem: the route wrapper answers it as problem+json.
 * - `WalletConfigError` (server/platform/errors.ts): the tenant's wallet setup cannot do what was
 *   asked (no Pass Type ID certificate, an expired one, APNs refusing the certificate or topic).
 *   Operators fix these; every HTTP route answers it 503 with Retry-After.
 */
import { HttpProblem } from "@/server/platform/http/problem";

export class PassKitError extends HttpProblem {
  override name = "PassKitError";
  constructor(
    readonly status: 400 | 401 | 404 | 410 | 413 | 415,
    detail?: string,
  ) {
    super({ status, detail });
  }
}
