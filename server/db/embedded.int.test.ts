/** The embedded PostgreSQL under concurrent connections (PGlite runs one session for all of them). */
import { afterAll, beforeAll, expect, it } from "vitest";
import pg from "pg";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded";

let server: EmbeddedPostgres;
let pool: pg.Pool;
beforeAll(async () => {
  server = await startEmbeddedPostgres({ dataDir: "memory://" });
  pool = new pg.Pool({ connectionString: server.url, max: 8 });
});
afterAll(async () => {
  await pool.end();
  await server.stop();
});

/** A transaction that holds the session for a while, so other connections' queries pile up. */
async function slowTransaction() {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT $1::int", [1]);
    await new Promise((r) => setTimeout(r, 20));
    await client.query("COMMIT");
  } finally {
    client.release();
  }
}

it("keeps each connection's Parse, Bind and Execute together when queries pile up behind a transaction", async () => {
  const transactions = [slowTransaction(), slowTransaction()];
  const queries = Array.from({ length: 400 }, (_, i) =>
    i % 2 === 0
      ? pool.query<{ v: number }>("SELECT $1::int AS v", [i]).then((r) => r.rows[0]!.v)
      : pool.query<{ v: number }>("SELECT $1::int + $2::int AS v", [i, 1000]).then((r) => r.rows[0]!.v),
  );
  const values = await Promise.all(queries);
  await Promise.all(transactions);
  expect(values).toEqual(Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? i : i + 1000)));
});

it("serves other connections after one fails mid-sequence", async () => {
  await expect(pool.query("SELECT $1::int / 0 AS v", [1])).rejects.toThrow(/division by zero/);
  const values = await Promise.all(Array.from({ length: 20 }, (_, i) => pool.query("SELECT $1::text AS v", [`x${i}`]).then((r) => r.rows[0].v as string)));
  expect(values).toEqual(Array.from({ length: 20 }, (_, i) => `x${i}`));
});
