/** What the CLI's command groups share: output, argument parsers, stdin secrets, and opening the database. */
import { InvalidArgumentError } from "commander";
import { DomainError } from "@/server/platform/errors";
import { resolveDatabase, type ResolvedDatabase } from "@/server/db/url";
import { closeDb, db } from "@/server/db/client";
import { migrateDeploy, pendingMigrations } from "@/server/db/migrate";

export const ACTOR = "cli";

export function out(line: string) {
  process.stdout.write(line + "\n");
}

export function json(value: unknown) {
  out(JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2));
}

export async function readStdin(flag = "--password-stdin"): Promise<string> {
  if (process.stdin.isTTY) throw new DomainError("invalid_input", `${flag} expects the secret on standard input`, flag.replace(/^--|-stdin$/g, ""));
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Parses `key=value` pairs given with --identifier. */
export function pairs(list: string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const item of list) {
    const i = item.indexOf("=");
    if (i <= 0) throw new DomainError("invalid_input", `--identifier expects key=value, got ${JSON.stringify(item)}`, "identifier");
    result[item.slice(0, i)] = item.slice(i + 1);
  }
  return result;
}

/**
 * Opens the database for a command. The embedded database is migrated on first use; a real
 * server must be migrated explicitly (`db migrate`) and is refused while migrations are pending.
 */
export async function openDatabase(): Promise<ResolvedDatabase> {
  const resolved = await resolveDatabase();
  const pending = await pendingMigrations(db());
  if (pending.length) {
    if (resolved.embedded) await migrateDeploy(resolved.url);
    else throw new DomainError("invalid_input", `database has ${pending.length} pending migration(s): run \`npm run db:migrate\``);
  }
  return resolved;
}

export function withDb<A extends unknown[]>(action: (...args: A) => Promise<void>, opts: { migrate?: boolean } = {}) {
  return async (...args: A) => {
    const resolved = opts.migrate === false ? await resolveDatabase() : await openDatabase();
    try {
      await action(...args);
    } finally {
      await closeDb();
      await resolved.release();
    }
  };
}

/** An ISO 8601 option value as a Date. */
export function time(value: string | undefined, field: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new DomainError("invalid_input", `--${field} expects an ISO 8601 time, got ${JSON.stringify(value)}`, field);
  return date;
}

/** A commander parser for a whole number from 1 to `max`; anything else is a usage error (exit 2). */
/** An option value from `values`, in any case (`failed` is FAILED); anything else is a usage error (exit 2). */
export function oneOf(values: string[]) {
  return (value: string): string => {
    const upper = value.trim().toUpperCase();
    if (!values.includes(upper)) throw new InvalidArgumentError(`must be one of ${values.join(", ")}`);
    return upper;
  };
}

export function positiveInt(max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > max) throw new InvalidArgumentError(`must be a whole number from 1 to ${max}`);
    return n;
  };
}
