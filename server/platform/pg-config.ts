/**
 * Turns a `postgres://` URL into discrete node-postgres fields. Discrete fields matter: with a
 * `connectionString`, pg lets the URL override `database`, so Prisma Migrate's shadow pool would
 * silently connect to the main database. A `host` query parameter (libpq's form for a Unix
 * socket directory, `postgres://postgres@/passflow?host=/var/run/postgresql`) wins over the URL's host.
 */
import type { PoolConfig } from "pg";

export function pgConfigFromUrl(url: string, max?: number): PoolConfig {
  const u = new URL(url);
  const sslmode = u.searchParams.get("sslmode");
  return {
    // libpq's `?host=/var/run/postgresql` names a Unix socket directory (postgres://user@/db?host=…)
    host: u.searchParams.get("host") || u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || "postgres"),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1)) || "postgres",
    ssl: sslmode && sslmode !== "disable" ? { rejectUnauthorized: sslmode === "verify-full" } : undefined,
    max,
  };
}

/** The URL with its password masked, for log lines and error messages. */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}
