/** One-line operator messages for errors that reach the top of a command-line entry point. */
import { redactDatabaseUrl } from "@/server/platform/pg-config";
import { isDatabaseUnavailable, networkErrorCode } from "@/server/platform/unavailable";

/** Message for `err` without a stack: names the database (password masked) when it is unreachable. */
export function formatCliError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (isDatabaseUnavailable(err)) {
    const network = networkErrorCode(err);
    const url = process.env.DATABASE_URL ? redactDatabaseUrl(process.env.DATABASE_URL) : "(embedded)";
    return `database unreachable at ${url}${network ? ` (${network})` : ""}`;
  }
  const lines = message.split("\n").map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? "unknown error";
}
