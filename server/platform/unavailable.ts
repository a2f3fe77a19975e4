/** Classifies database errors: "unavailable" (retry later, HTTP 503) versus everything else. Dependency-free, so the HTTP error table (server/platform/http/errors.ts) can use it. */

const NETWORK_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "ETIMEDOUT", "EHOSTUNREACH", "ECONNRESET", "EAI_AGAIN", "EPIPE"]);
const UNAVAILABLE_PATTERN = /Can't reach database server|connect ECONNREFUSED|Connection terminated|timeout exceeded when trying to connect|the database system is (starting up|shutting down)|too many clients|DatabaseNotReachable|Unable to start a transaction in the given time|Query read timeout/i;

/** The network error code inside `err` (following `cause` and `errors`), if any. */
export function networkErrorCode(err: unknown, depth = 0): string | undefined {
  if (!err || typeof err !== "object" || depth > 5) return undefined;
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown[] };
  if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return e.code;
  for (const inner of [e.cause, ...(Array.isArray(e.errors) ? e.errors : [])]) {
    const found = networkErrorCode(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}

function messages(err: unknown, depth = 0): string {
  if (!err || typeof err !== "object" || depth > 5) return String(err ?? "");
  const e = err as { message?: unknown; cause?: unknown; kind?: unknown; code?: unknown };
  return [String(e.message ?? ""), String(e.kind ?? ""), String(e.code ?? ""), messages(e.cause, depth + 1)].join(" ");
}

/** True when `err` means the database cannot be reached right now (as opposed to a bad query). */
export function isDatabaseUnavailable(err: unknown): boolean {
  return networkErrorCode(err) !== undefined || UNAVAILABLE_PATTERN.test(messages(err)) || /\bP1001\b|\bP2024\b/.test(messages(err));
}
