/**
 * Whether a database gives each connection a session of its own. A PostgreSQL server does (one
 * backend per connection); the embedded PGlite does not: one session serves every socket
 * (server/db/embedded.ts), so session state (advisory locks, LISTEN) cannot tell processes apart,
 * and several app processes on it would each take the executor lock.
 */
import pg from "pg";
import { pgConfigFromUrl } from "@/server/platform/pg-config";

/** True when two connections to `url` land in one session (same backend pid). Throws when `url` cannot be reached. */
export async function connectionsShareOneSession(url: string): Promise<boolean> {
  const clients = [0, 1].map(() => new pg.Client({ ...pgConfigFromUrl(url), connectionTimeoutMillis: 10_000 }));
  try {
    const pids = [];
    for (const client of clients) {
      await client.connect();
      pids.push((await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid);
    }
    return pids[0] === pids[1];
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
  }
}
