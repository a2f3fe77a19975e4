/**
 * Workaround for prisma/orm#27403: @prisma/adapter-pg 6.19 cannot decode PostgreSQL `"char"` (OID 18)
 * and `name` (OID 19) columns, which catalog queries (migrations, `$queryRaw` on pg_catalog) return.
 * Rewriting their type OID to `text` (25) before the adapter sees the result fixes both.
 *
 * `patchPgGlobally()` patches `pg.Client.prototype.query` (promise and callback forms) so that every
 * pool, including the shadow-database pool Prisma Migrate creates on its own, is covered.
 * Idempotent.
 */
import pg from "pg";

interface FieldLike {
  dataTypeID: number;
}
interface ResultLike {
  fields?: FieldLike[];
}

const CHAR_OID = 18;
const NAME_OID = 19;
const TEXT_OID = 25;

function fixResult(result: unknown): unknown {
  const r = result as ResultLike | undefined;
  if (r && Array.isArray(r.fields)) {
    for (const f of r.fields) if (f.dataTypeID === CHAR_OID || f.dataTypeID === NAME_OID) f.dataTypeID = TEXT_OID;
  }
  return result;
}

function fixResults(result: unknown): unknown {
  return Array.isArray(result) ? result.map(fixResult) : fixResult(result);
}

type Callback = (err: Error | null, res: unknown) => void;
const PATCHED = Symbol.for("passflow.pgPatched");

export function patchPgGlobally(): void {
  const proto = pg.Client.prototype as unknown as Record<string | symbol, unknown> & {
    query: (...args: unknown[]) => unknown;
  };
  if (proto[PATCHED]) return;
  const original = proto.query;
  proto.query = function patchedQuery(this: unknown, ...args: unknown[]) {
    const cbIndex = args.findIndex((a) => typeof a === "function");
    if (cbIndex >= 0) {
      const cb = args[cbIndex] as Callback;
      args[cbIndex] = (err: Error | null, res: unknown) => cb(err, err ? res : fixResults(res));
      return original.apply(this, args);
    }
    const first = args[0] as { callback?: Callback } | undefined;
    if (first && typeof first === "object" && typeof first.callback === "function") {
      const cb = first.callback;
      first.callback = (err, res) => cb(err, err ? res : fixResults(res));
      return original.apply(this, args);
    }
    const out = original.apply(this, args) as Promise<unknown> | undefined;
    return out && typeof out.then === "function" ? out.then(fixResults) : out;
  };
  proto[PATCHED] = true;
}
