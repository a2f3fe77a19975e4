/** The benchmarks' scratch database: drops and re-creates the database named by `url` on its server. */
import pg from "pg";

/** Drops the database of `url` (with its connections) and creates it empty; resolves with `url`. */
export async function freshDatabase(url: string): Promise<string> {
  const u = new URL(url);
  const name = u.pathname.slice(1);
  u.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: u.toString() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return url;
}
