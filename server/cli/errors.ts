/** One-line operator messages for errors that reach the top of a command-line entry point. */
import { redactDatabaseUrl } from "../db/pg-config";

const NETWORK_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "ETIMEDOUT", "EHOSTUNREACH", "ECONNRESET", "EAI_AGAIN"]);

function findCode(err: unknown, depth = 0): string | undefined {
  if (!err || typeof err !== "object" || depth > 5) return undefined;
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown[] };
  if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return e.code;
  for (const inner of [e.cause, ...(Array.isArray(e.errors) ? e.errors : [])]) {
    const found = findCode(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Message for `err` without a stack: names the database (password masked) when it is unreachable. */
export function formatCliError(err: unknown): string {
  const network = findCode(err);
  const message = err instanceof Error ? err.message : String(err);
  if (network || /Can't reach database server|connect ECONNREFUSED|Connection terminated/i.test(message)) {
    const url = process.env.DATABASE_URL ? redactDatabaseUrl(process.env.DATABASE_URL) : "(embedded)";
    return `database unreachable at ${url}${network ? ` (${network})` : ""}`;
  }
  const first = message.split("\n").map((l) => l.trim()).filter(Boolean);
  return first[first.length - 1] ?? "unknown error";
}
