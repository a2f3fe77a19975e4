/**
 * Plain SQL for the task hot path, on either engine: a Prisma transaction or a node-postgres
 * connection from the process pool (`pgPool()`).
 *
 * Why: every Prisma operation costs about 150–300 µs of CPU in this process (its query
 * compiler runs in Wasm, and its interactive transactions add their own round of work), against
 * 40–80 µs for the same statement through node-postgres (measured with Prisma 6.19 on the local
 * PostgreSQL). A pushUpdate task runs about a dozen statements, so the pass-update path uses
 * node-postgres; code shared with Prisma callers (profile sync, pass issuing) takes an `Sql` and
 * gets `prismaSql(tx)` from them, so each statement is written once.
 *
 * Rules for statements written against `Sql`, so both engines return the same values: placeholders
 * are `$1…`; cast parameters whose type PostgreSQL cannot infer (`$2::jsonb`); select `bigint`
 * columns as text (`"versionTag"::text`: Prisma returns BigInt, node-postgres a string) and do
 * not select `timestamp` columns (node-postgres would read them in the process's time zone).
 */
import type { Prisma, PrismaClient } from "@prisma/client";
import type pg from "pg";
import { db, pgPool } from "./client";

/** One SQL session (a transaction, or the pool outside one). */
export interface Sql {
  /** Runs one statement; resolves to its rows (none for a statement without RETURNING). */
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
}

/** Statements on a Prisma client or interactive transaction. */
export function prismaSql(tx: Prisma.TransactionClient | PrismaClient): Sql {
  return { query: (text, params = []) => tx.$queryRawUnsafe(text, ...params) };
}

function clientSql(client: pg.Pool | pg.PoolClient): Sql {
  return {
    async query<R>(text: string, params: unknown[] = []) {
      const result = await client.query(text, params);
      return result.rows as R[];
    },
  };
}

/** Statements on the process pool, each on whichever connection is free (no transaction). */
export function poolSql(): Sql {
  return clientSql(pgPool());
}

/** Runs `work` in one transaction; the type of `tx` depends on the engine. */
export type Transaction<Tx> = <R>(work: (tx: Tx, sql: Sql) => Promise<R>) => Promise<R>;

/** A Prisma interactive transaction (`tx` is Prisma's transaction client). */
export const prismaTransaction: Transaction<Prisma.TransactionClient> = (work) => db().$transaction((tx) => work(tx, prismaSql(tx)));

/**
 * A node-postgres transaction on one pool connection (`tx` is the same `Sql`): BEGIN, `work`,
 * COMMIT; ROLLBACK when `work` throws (the error is rethrown). A connection whose ROLLBACK fails
 * is dropped, never returned to the pool mid-transaction.
 */
export const pgTransaction: Transaction<Sql> = async (work) => {
  const client = await pgPool().connect();
  const sql = clientSql(client);
  try {
    await client.query("BEGIN");
    const result = await work(sql, sql);
    await client.query("COMMIT");
    client.release();
    return result;
  } catch (err) {
    try {
      await client.query("ROLLBACK");
      client.release();
    } catch (rollbackErr) {
      client.release(rollbackErr as Error);
    }
    throw err;
  }
};

/** Thrown to roll a dry run's transaction back, carrying its result. */
class RolledBack<R> extends Error {
  constructor(readonly result: R) {
    super("rolled back (dry run)");
  }
}

/**
 * Runs `work` in a transaction of `transaction` (either engine) and rolls it back: the same
 * statements as the real run decide the result, and nothing of it is kept (a dry run). A sequence
 * value drawn meanwhile stays drawn (PostgreSQL never gives it back): a gap, never a row.
 */
export async function rolledBack<Tx, R>(transaction: Transaction<Tx>, work: (tx: Tx, sql: Sql) => Promise<R>): Promise<R> {
  try {
    await transaction(async (tx, sql) => {
      throw new RolledBack(await work(tx, sql));
    });
  } catch (err) {
    if (err instanceof RolledBack) return err.result as R;
    throw err;
  }
  throw new Error("unreachable: a dry run's transaction committed");
}
