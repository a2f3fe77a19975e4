/**
 * Bulk enrolment (issue 15): a CSV file of customers, each issued a pass of one pass type.
 *
 * The file: a header row names the columns, identifier columns (`email`, `phone`, `customerId`,
 * the tenant's custom identifier keys) and field value columns (the pass type's field keys, typed
 * as pushUpdate's additionalData: server/pass-types/fields.ts). A blank cell is "not given". At
 * least one identifier column; an unknown or repeated column refuses the file, naming it.
 *
 * 1. `startPassImport` reads the file once as a stream (the CLI's file, the console's request
 *    body), in one transaction: it checks the header, counts the data rows with csv-parse (a file
 *    that is not CSV is refused with the parser's reason) and stores the bytes in PassImportChunk
 *    (IMPORT_CHUNK_BYTES each), so whichever process runs the import reads them; then it sends
 *    `passflow/pass.import.requested`. A refused file leaves nothing behind.
 * 2. The pass-import function runs `runImportSlice` steps. A slice parses the stored file from
 *    the import's `cursorByte` (one chunk and one batch in memory) and `importBatch` issues
 *    IMPORT_BATCH_ROWS rows in up to IMPORT_PART_CONCURRENCY parts side by side, each part one
 *    transaction: per row `issuePassWith` (./passes.ts, the path `issuePass` takes, which records
 *    each new pass's ISSUED PassEvent), then the part's row errors into PassImportError, its
 *    counts, and its range of rows in `doneParts`; once every part is in, the cursor moves past
 *    the batch. A crash or a retry resumes at the committed cursor and skips the listed parts, so
 *    no row is issued or counted twice (issuing is idempotent per customer and pass type besides:
 *    a re-run of the same file issues nothing new). A part the database refuses (a constraint:
 *    two parts creating the same customer at once) is tried again row by row under savepoints.
 * 3. At the end of the file the import is SUCCEEDED and its chunks are deleted (FAILED too).
 *
 * Row numbers count the header as row 1 (blank lines are not counted), as a spreadsheet shows
 * a file without blank lines. A customer who already holds a live pass of the type is counted
 * `existing` and the pass is left as it is.
 */
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import type { PassImport, PassImportStatus, PassType, Tenant } from "@prisma/client";
import { parse, type Options as ParseOptions } from "csv-parse";
import { stringify } from "csv-stringify/sync";
import { db } from "../db/client";
import { pgTransaction, poolSql, type Sql } from "../db/sql";
import { inngest } from "@/inngest/client";
import { passImportRequestedEvent } from "@/inngest/events";
import { DomainError } from "@/server/platform/errors";
import { logger } from "@/server/platform/log";
import { coerceFieldValue } from "@/server/pass-types/fields";
import { fieldDefinitions, type FieldDefinition } from "@/server/pass-types/pass-types";
import { STANDARD_IDENTIFIER_KEYS } from "@/server/identifiers/identifiers";
import { getTenant } from "../tenants/tenants";
import { issuePassWith, issuingIdentifiers } from "./passes";

/** Bytes per stored piece of a file. */
export const IMPORT_CHUNK_BYTES = 256 * 1024;
/** Rows per batch (the cursor moves once per batch). */
export const IMPORT_BATCH_ROWS = 1000;
/** Parts of a batch issued side by side, each in a transaction (and on a connection) of its own. */
export const IMPORT_PART_CONCURRENCY = 4;
/** The largest file accepted (100 MiB). */
export const IMPORT_MAX_BYTES = 100 * 1024 * 1024;
/** The longest row accepted (a longer one is not a customer: the file is refused). */
const MAX_RECORD_BYTES = 64 * 1024;

/** One csv-parse setup for reading a file at upload and at run time, so both count the same rows. */
const PARSE: ParseOptions = { info: true, skip_empty_lines: true, relax_column_count: true, max_record_size: MAX_RECORD_BYTES };

/** One refused row: where and why. `column` is null for the row as a whole. */
export interface ImportRowError {
  row: number;
  column: string | null;
  reason: string;
}

/** An import's progress as the console and `pass import --json` show it. */
export interface ImportProgress {
  id: string;
  tenant: string;
  passType: string;
  status: PassImportStatus;
  fileName: string | null;
  columns: string[];
  /** Data rows in the file, and rows done so far (issued + existing + failed). */
  total: number;
  done: number;
  issued: number;
  existing: number;
  failed: number;
  /** done / total, 0-100 (100 once SUCCEEDED). */
  percent: number;
  /** Rows per second since the first batch (null before it). */
  rowsPerSecond: number | null;
  /** Seconds to finish at that rate (null when unknown; 0 once finished). */
  etaSeconds: number | null;
  actor: string;
  correlationId: string;
  lastError: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

type ImportRow = PassImport & { tenant: Pick<Tenant, "slug">; passType: Pick<PassType, "key"> };

/** The progress of an import row. */
export function importProgress(row: ImportRow, now = new Date()): ImportProgress {
  const finishedRun = row.status === "SUCCEEDED" || row.status === "FAILED";
  const elapsed = row.startedAt ? Math.max(0, ((row.finishedAt ?? now).getTime() - row.startedAt.getTime()) / 1000) : 0;
  const rate = row.cursor > 0 && elapsed > 0 ? row.cursor / elapsed : null;
  return {
    id: row.id,
    tenant: row.tenant.slug,
    passType: row.passType.key,
    status: row.status,
    fileName: row.fileName,
    columns: row.columns,
    total: row.total,
    done: row.cursor,
    issued: row.issued,
    existing: row.existing,
    failed: row.failed,
    percent: row.status === "SUCCEEDED" ? 100 : row.total ? Math.min(100, Math.floor((row.cursor / row.total) * 100)) : 0,
    rowsPerSecond: rate === null ? null : Math.round(rate),
    etaSeconds: finishedRun ? 0 : rate === null ? null : Math.ceil(Math.max(0, row.total - row.cursor) / rate),
    actor: row.actor,
    correlationId: row.correlationId,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

const withNames = { tenant: { select: { slug: true } }, passType: { select: { key: true } } } as const;

/** An import's progress by id (within `tenantId` when given), or undefined. */
export async function getPassImport(importId: string, tenantId?: string): Promise<ImportProgress | undefined> {
  const row = await db().passImport.findFirst({ where: { id: importId, ...(tenantId ? { tenantId } : {}) }, include: withNames });
  return row ? importProgress(row) : undefined;
}

/** A tenant's latest imports, newest first. @throws DomainError tenant_not_found */
export async function listPassImports(tenantRef: string, limit = 20): Promise<ImportProgress[]> {
  const tenant = await getTenant(tenantRef);
  const rows = await db().passImport.findMany({ where: { tenantId: tenant.id }, orderBy: { createdAt: "desc" }, take: limit, include: withNames });
  return rows.map((r) => importProgress(r));
}

/** Which column is which: identifier keys and field definitions by position. */
interface ImportColumns {
  names: string[];
  identifiers: { index: number; key: string }[];
  fields: { index: number; def: FieldDefinition }[];
}

/**
 * Reads the header row for a tenant's pass type (module comment).
 * @throws DomainError invalid_input naming every column at fault (`columns.<name>`)
 */
function importColumns(header: string[], tenant: Pick<Tenant, "customIdentifierKeys">, fields: FieldDefinition[]): ImportColumns {
  const identifierKeys = new Set<string>([...STANDARD_IDENTIFIER_KEYS, ...tenant.customIdentifierKeys]);
  const names = header.map((h) => h.trim());
  const columns: ImportColumns = { names, identifiers: [], fields: [] };
  const faults: { field: string; message: string }[] = [];
  const seen = new Set<string>();
  names.forEach((name, index) => {
    const field = fields.find((f) => f.key === name);
    if (!name) faults.push({ field: `columns[${index}]`, message: `column ${index + 1} has no name` });
    else if (seen.has(name)) faults.push({ field: `columns.${name}`, message: `column ${name} appears twice` });
    else if (identifierKeys.has(name)) columns.identifiers.push({ index, key: name });
    else if (field) columns.fields.push({ index, def: field });
    else faults.push({ field: `columns.${name}`, message: `unknown column ${name}: identifiers are ${[...identifierKeys].join(", ")}; fields are ${fields.map((f) => f.key).join(", ") || "none"}` });
    seen.add(name);
  });
  if (!faults.length && !columns.identifiers.length) {
    faults.push({ field: "columns", message: `the header names no identifier column (${[...identifierKeys].join(", ")})` });
  }
  if (faults.length) throw new DomainError("invalid_input", faults.map((f) => f.message).join("; "), faults[0]!.field, faults);
  return columns;
}

/** The column a domain error names (`identifiers.email` → email, `points` → points), or null for the row. */
function columnOf(field: string | undefined, columns: ImportColumns): string | null {
  const name = field?.replace(/^identifiers\.?/, "");
  return name && columns.names.includes(name) ? name : null;
}

/** A row read: who and what to issue, or why not. */
type ReadRow = { ids: ReturnType<typeof issuingIdentifiers>; data: Record<string, unknown> } | { errors: ImportRowError[] };

function readRow(record: string[], row: number, columns: ImportColumns, tenant: Tenant): ReadRow {
  if (record.length !== columns.names.length) return { errors: [{ row, column: null, reason: `expected ${columns.names.length} columns, found ${record.length}` }] };
  const errors: ImportRowError[] = [];
  const raw: Record<string, string | undefined> = {};
  for (const { index, key } of columns.identifiers) raw[key] = record[index]!.trim() || undefined;
  let ids: ReturnType<typeof issuingIdentifiers> | undefined;
  try {
    ids = issuingIdentifiers(raw, tenant);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    errors.push({ row, column: columnOf(err.field, columns), reason: err.message });
  }
  const data: Record<string, unknown> = {};
  for (const { index, def } of columns.fields) {
    try {
      const value = coerceFieldValue(def, record[index]!, def.key, tenant.notProvidedValues);
      if (value !== undefined && value !== null) data[def.key] = value;
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      errors.push({ row, column: def.key, reason: err.message });
    }
  }
  return errors.length || !ids ? { errors } : { ids, data };
}

export interface StartImportInput {
  tenant: string;
  /** The pass type key. */
  passType: string;
  fileName?: string;
  /** The file's bytes as they arrive (a file stream, a request body). */
  file: AsyncIterable<Uint8Array>;
  actor: string;
  /** Send the import's event (default true; tests drive the function themselves). */
  dispatch?: boolean;
}

/**
 * Stores a CSV file as a new import and starts it (module comment, step 1). Resolves with its
 * progress (QUEUED, `total` rows).
 * @throws DomainError tenant_not_found, pass_type_not_found (`passType`), invalid_input (`file`:
 *   empty, too large, not CSV; `columns.<name>`: the header)
 */
export async function startPassImport(input: StartImportInput): Promise<ImportProgress> {
  const tenant = await getTenant(input.tenant);
  const passType = await db().passType.findUnique({ where: { tenantId_key: { tenantId: tenant.id, key: input.passType } } });
  if (!passType) throw new DomainError("pass_type_not_found", `tenant ${tenant.slug} has no pass type ${JSON.stringify(input.passType)}`, "passType");
  const fields = fieldDefinitions(passType);
  const id = randomUUID();
  const correlationId = randomUUID();
  await pgTransaction(async (sql) => {
    await sql.query(
      `INSERT INTO "PassImport" (id, "tenantId", "passTypeId", "fileName", columns, total, bytes, actor, "correlationId", "createdAt", "updatedAt")
       VALUES ($1, $2, $3, $4, '{}', 0, 0, $5, $6, (now() AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC'))`,
      [id, tenant.id, passType.id, input.fileName?.slice(0, 255) ?? null, input.actor, correlationId],
    );
    const parser = parse({ ...PARSE, bom: true });
    let header: string[] | undefined;
    let headerEnd = 0;
    let total = 0;
    parser.on("data", ({ record, info }: { record: string[]; info: { bytes: number } }) => {
      if (header) return void total++;
      header = record;
      headerEnd = info.bytes;
      try {
        importColumns(header, tenant, fields);
      } catch (err) {
        parser.destroy(err as Error);
      }
    });
    const parsed = finished(parser).catch((err: unknown) => {
      throw err instanceof DomainError ? err : new DomainError("invalid_input", `not a CSV file: ${(err as Error).message}`, "file");
    });
    parsed.catch(() => {}); // awaited below; a failure while the file still arrives ends the loop first
    let failure: unknown;
    parser.on("error", (err) => (failure ??= err));
    const pending: Buffer[] = [];
    let pendingBytes = 0;
    let offset = 0;
    let seq = 0;
    const flush = async () => {
      if (!pendingBytes) return;
      const data = Buffer.concat(pending);
      pending.length = 0;
      pendingBytes = 0;
      await sql.query(`INSERT INTO "PassImportChunk" ("importId", seq, "offset", data) VALUES ($1, $2, $3, $4)`, [id, seq++, offset, data]);
      offset += data.length;
    };
    try {
      for await (const piece of input.file) {
        if (failure) break;
        if (offset + pendingBytes + piece.length > IMPORT_MAX_BYTES) throw new DomainError("invalid_input", `the file is larger than ${IMPORT_MAX_BYTES / 1024 / 1024} MiB: split it`, "file");
        const buffer = Buffer.from(piece);
        pending.push(buffer);
        pendingBytes += buffer.length;
        if (!parser.write(buffer)) await Promise.race([once(parser, "drain"), parsed]);
        if (pendingBytes >= IMPORT_CHUNK_BYTES) await flush();
      }
      parser.end();
      await parsed;
    } finally {
      parser.destroy(); // a file refused while it still arrived leaves no parser behind
    }
    await flush();
    if (!header) throw new DomainError("invalid_input", "the file is empty: it needs a header row naming the columns", "file");
    if (total === 0) throw new DomainError("invalid_input", "the file has a header row but no rows", "file");
    await sql.query(`UPDATE "PassImport" SET columns = $2::text[], total = $3, bytes = $4, "cursorByte" = $5 WHERE id = $1`, [id, header.map((h) => h.trim()), total, offset, headerEnd]);
  });
  if (input.dispatch !== false) await sendImportEvent({ id, tenantId: tenant.id, correlationId });
  logger.info({ tenantId: tenant.id, passType: passType.key, importId: id, correlationId }, "pass import stored");
  return (await getPassImport(id))!;
}

async function sendImportEvent(p: { id: string; tenantId: string; correlationId: string }): Promise<void> {
  try {
    await inngest.send(passImportRequestedEvent({ importId: p.id, tenantId: p.tenantId, correlationId: p.correlationId }));
  } catch (err) {
    // committed: tasks-redispatch sends it again within a minute
    logger.warn({ correlationId: p.correlationId, importId: p.id, err: (err as Error).message }, "pass import stored, but its event could not be sent yet");
  }
}

/** The stored file from byte `from` on, one chunk at a time. */
async function* storedFile(importId: string, from: number): AsyncGenerator<Buffer> {
  const sql = poolSql();
  let [chunk] = await sql.query<{ seq: number; offset: number; data: Buffer }>(
    `SELECT seq, "offset", data FROM "PassImportChunk" WHERE "importId" = $1 AND "offset" <= $2 ORDER BY seq DESC LIMIT 1`,
    [importId, from],
  );
  if (chunk) chunk.data = chunk.data.subarray(from - chunk.offset);
  while (chunk) {
    if (chunk.data.length) yield chunk.data;
    [chunk] = await sql.query<{ seq: number; offset: number; data: Buffer }>(`SELECT seq, "offset", data FROM "PassImportChunk" WHERE "importId" = $1 AND seq = $2`, [importId, chunk.seq + 1]);
  }
}

/** A parsed row waiting for its batch: its data row index (0 = the first after the header), cells, and the byte after it. */
interface PendingRow {
  index: number;
  record: string[];
  end: number;
}

/** The row number of a data row index: the header is row 1. */
const rowNumber = (index: number) => index + 2;

type BatchOutcome = "done" | "moved" | "stopped";

interface RunContext {
  importId: string;
  tenant: Tenant;
  passType: PassType;
  columns: ImportColumns;
}

/** A range of data row indexes [from, to) issued by one part. */
interface DonePart {
  from: number;
  to: number;
}

/** An error of the data (SQLSTATE class 22, 23): one row's fault, not the database's. */
function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" && /^2[23]/.test(code);
}

/** A deadlock or serialization failure between two parts: worth trying again. */
function isTransient(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === "40P01" || code === "40001";
}

/** The part was already issued by another run (its range is listed): its work is rolled back. */
class PartTaken extends Error {}

/**
 * Issues one part of a batch (contiguous rows) in one transaction: per row `issuePassWith`,
 * then the part's row errors, its counts and its range in `doneParts`, unless another run listed
 * it first. `careful`: each row under a savepoint, so a row the database refuses becomes a row
 * error (taken after a part failed that way).
 */
async function importPart(ctx: RunContext, rows: PendingRow[], careful: boolean): Promise<"done" | "taken" | "stopped"> {
  const part: DonePart = { from: rows[0]!.index, to: rows.at(-1)!.index + 1 };
  try {
    return await pgTransaction(async (sql) => {
      const [current] = await sql.query<{ status: PassImportStatus }>(`SELECT status::text AS status FROM "PassImport" WHERE id = $1`, [ctx.importId]);
      if (!current || (current.status !== "QUEUED" && current.status !== "RUNNING")) return "stopped";
      const errors: ImportRowError[] = [];
      const counts = { issued: 0, existing: 0, failed: 0 };
      for (const { index, record } of rows) {
        const row = rowNumber(index);
        const read = readRow(record, row, ctx.columns, ctx.tenant);
        if ("errors" in read) {
          errors.push(...read.errors);
          counts.failed++;
          continue;
        }
        if (careful) await sql.query("SAVEPOINT import_row");
        try {
          const issued = await issuePassWith(sql, ctx.tenant.id, ctx.passType, read.ids, read.data);
          counts[issued.created ? "issued" : "existing"]++;
          if (careful) await sql.query("RELEASE SAVEPOINT import_row");
        } catch (err) {
          if (err instanceof DomainError) errors.push({ row, column: columnOf(err.field, ctx.columns), reason: err.message });
          else if (careful && isDataError(err)) errors.push({ row, column: null, reason: `the database refused the row: ${(err as Error).message}` });
          else throw err;
          if (careful) await sql.query("ROLLBACK TO SAVEPOINT import_row");
          counts.failed++;
        }
      }
      await recordPart(sql, ctx.importId, part, counts, errors);
      return "done";
    });
  } catch (err) {
    if (err instanceof PartTaken) return "taken";
    throw err;
  }
}

async function recordPart(sql: Sql, importId: string, part: DonePart, counts: { issued: number; existing: number; failed: number }, errors: ImportRowError[]): Promise<void> {
  if (errors.length) {
    await sql.query(
      `INSERT INTO "PassImportError" (id, "importId", row, "column", reason)
       SELECT gen_random_uuid()::text, $1, e.row, e."column", e.reason FROM unnest($2::int[], $3::text[], $4::text[]) AS e(row, "column", reason)`,
      [importId, errors.map((e) => e.row), errors.map((e) => e.column), errors.map((e) => e.reason.slice(0, 1000))],
    );
  }
  // the row lock is taken here, at the end of the part, so parts run side by side until they commit
  const recorded = await sql.query(
    `UPDATE "PassImport" SET status = 'RUNNING', issued = issued + $4, existing = existing + $5, failed = failed + $6,
            "doneParts" = "doneParts" || jsonb_build_array(jsonb_build_object('from', $2::int, 'to', $3::int)),
            "startedAt" = coalesce("startedAt", (now() AT TIME ZONE 'UTC')), "updatedAt" = (now() AT TIME ZONE 'UTC')
      WHERE id = $1 AND status IN ('QUEUED', 'RUNNING') AND cursor <= $2
        AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements("doneParts") p WHERE (p->>'from')::int < $3 AND (p->>'to')::int > $2)
      RETURNING id`,
    [importId, part.from, part.to, counts.issued, counts.existing, counts.failed],
  );
  if (!recorded.length) throw new PartTaken();
}

/** One part, tried again on a deadlock with another part, and row by row when the database refuses a row. */
async function runPart(ctx: RunContext, rows: PendingRow[]): Promise<"done" | "taken" | "stopped"> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await importPart(ctx, rows, attempt > 0);
    } catch (err) {
      if (attempt >= 3 || !(isDataError(err) || isTransient(err))) throw err;
    }
  }
}

/**
 * Issues one batch (module comment, step 2) if the import is still at `cursor`: the rows not in
 * a listed part, in up to IMPORT_PART_CONCURRENCY parts side by side (each its own transaction),
 * then moves the cursor past the batch. A part that fails leaves the others committed and listed:
 * the next run issues only what is missing.
 */
async function importBatch(ctx: RunContext, cursor: number, rows: PendingRow[]): Promise<BatchOutcome> {
  const [current] = await poolSql().query<{ status: PassImportStatus; cursor: number; doneParts: DonePart[] }>(`SELECT status::text AS status, cursor, "doneParts" FROM "PassImport" WHERE id = $1`, [ctx.importId]);
  if (!current || (current.status !== "QUEUED" && current.status !== "RUNNING")) return "stopped";
  if (current.cursor !== cursor) return "moved";
  const todo = rows.filter((r) => !current.doneParts.some((p) => r.index >= p.from && r.index < p.to));
  // contiguous runs of rows to issue, cut into parts of at most `size` rows
  const size = Math.max(1, Math.ceil(todo.length / IMPORT_PART_CONCURRENCY));
  const parts: PendingRow[][] = [];
  for (const r of todo) {
    const last = parts.at(-1);
    if (last && last.length < size && last.at(-1)!.index === r.index - 1) last.push(r);
    else parts.push([r]);
  }
  const outcomes = await Promise.allSettled(parts.map((p) => runPart(ctx, p)));
  const failure = outcomes.find((o) => o.status === "rejected");
  if (failure) throw failure.reason;
  if (outcomes.some((o) => o.status === "fulfilled" && o.value === "stopped")) return "stopped";
  const moved = await poolSql().query(
    `UPDATE "PassImport" SET cursor = $3, "cursorByte" = $4, status = 'RUNNING', "startedAt" = coalesce("startedAt", (now() AT TIME ZONE 'UTC')), "updatedAt" = (now() AT TIME ZONE 'UTC'),
            "doneParts" = (SELECT coalesce(jsonb_agg(p), '[]'::jsonb) FROM jsonb_array_elements("doneParts") p WHERE (p->>'to')::int > $3)
      WHERE id = $1 AND cursor = $2 AND status IN ('QUEUED', 'RUNNING') RETURNING id`,
    [ctx.importId, cursor, cursor + rows.length, rows.at(-1)!.end],
  );
  return moved.length ? "done" : "moved";
}

/** Marks the import finished (`status`) and deletes its file, in one transaction; a finished one is left as it is. */
async function finishImport(importId: string, status: "SUCCEEDED" | "FAILED", error?: string): Promise<void> {
  await pgTransaction(async (sql) => {
    const done = await sql.query(
      `UPDATE "PassImport" SET status = $2::"PassImportStatus", "lastError" = coalesce($3, "lastError"), "startedAt" = coalesce("startedAt", (now() AT TIME ZONE 'UTC')),
              "finishedAt" = (now() AT TIME ZONE 'UTC'), "updatedAt" = (now() AT TIME ZONE 'UTC')
        WHERE id = $1 AND status IN ('QUEUED', 'RUNNING') RETURNING id`,
      [importId, status, error?.slice(0, 2000) ?? null],
    );
    if (done.length) await sql.query(`DELETE FROM "PassImportChunk" WHERE "importId" = $1`, [importId]);
  });
}

/** What one slice did: `finished` once the import is no longer running; `rows` it committed. */
export interface ImportSliceResult {
  finished: boolean;
  rows: number;
}

/**
 * Runs batches of the import for up to `budgetMs` (at least one batch), from its committed
 * cursor (module comment, step 2); at the end of the file it marks the import SUCCEEDED.
 * `batchRows` sets the batch size (tests, the benchmark).
 * @throws the database's error (the caller retries the slice)
 */
export async function runImportSlice(importId: string, budgetMs: number, { batchRows = IMPORT_BATCH_ROWS }: { batchRows?: number } = {}): Promise<ImportSliceResult> {
  const started = Date.now();
  const row = await db().passImport.findUnique({ where: { id: importId }, include: { tenant: true, passType: true } });
  if (!row || (row.status !== "QUEUED" && row.status !== "RUNNING")) return { finished: true, rows: 0 };
  const ctx: RunContext = { importId, tenant: row.tenant, passType: row.passType, columns: importColumns(row.columns, row.tenant, fieldDefinitions(row.passType)) };
  const source = Readable.from(storedFile(importId, row.cursorByte));
  const parser = source.pipe(parse(PARSE));
  source.on("error", (err) => parser.destroy(err));
  let cursor = row.cursor;
  let batch: PendingRow[] = [];
  const commit = async (): Promise<BatchOutcome> => {
    const outcome = await importBatch(ctx, cursor, batch);
    if (outcome === "done") cursor += batch.length;
    batch = [];
    return outcome;
  };
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { bytes: number } }>) {
      batch.push({ index: cursor + batch.length, record, end: row.cursorByte + info.bytes });
      if (batch.length < batchRows) continue;
      const outcome = await commit();
      if (outcome === "stopped") return { finished: true, rows: cursor - row.cursor };
      if (outcome === "moved" || Date.now() - started >= budgetMs) return { finished: false, rows: cursor - row.cursor };
    }
    if (batch.length) {
      const outcome = await commit();
      if (outcome !== "done") return { finished: outcome === "stopped", rows: cursor - row.cursor };
    }
  } finally {
    source.destroy();
    parser.destroy();
  }
  await finishImport(importId, "SUCCEEDED");
  logger.info({ importId, rows: cursor }, "pass import finished");
  return { finished: true, rows: cursor - row.cursor };
}

/** Marks an import FAILED with its error and deletes its file (the function's onFailure). */
export async function failPassImport(importId: string, error: string): Promise<void> {
  await finishImport(importId, "FAILED", error);
}

/** The refused rows of an import in row order, `limit` at a time after `afterRow`. */
async function errorPage(importId: string, after: { row: number; id: string } | null, limit: number) {
  return db().passImportError.findMany({
    where: { importId, ...(after ? { OR: [{ row: { gt: after.row } }, { row: after.row, id: { gt: after.id } }] } : {}) },
    orderBy: [{ row: "asc" }, { id: "asc" }],
    take: limit,
    select: { id: true, row: true, column: true, reason: true },
  });
}

/** Every refused row of an import, in row order (`pass import --json`). */
export async function listImportErrors(importId: string): Promise<ImportRowError[]> {
  const all: ImportRowError[] = [];
  for await (const page of errorPages(importId)) all.push(...page);
  return all;
}

async function* errorPages(importId: string): AsyncGenerator<ImportRowError[]> {
  let after: { row: number; id: string } | null = null;
  for (;;) {
    const page = await errorPage(importId, after, 1000);
    if (!page.length) return;
    yield page.map(({ row, column, reason }) => ({ row, column, reason }));
    after = page.at(-1)!;
  }
}

/**
 * The refused rows of an import as CSV (header `row,column,reason`), a page at a time: the
 * download of the console and the file `pass import` writes.
 */
export async function* importErrorsCsv(importId: string): AsyncGenerator<string> {
  yield stringify([["row", "column", "reason"]]);
  for await (const page of errorPages(importId)) yield stringify(page.map((e) => [e.row, e.column ?? "", e.reason]));
}

/**
 * Sends again the event of every import still QUEUED `olderThanMs` after it was stored (its
 * event was lost). The event id names the import, so a run that exists is not started twice.
 */
export async function redispatchImports({ olderThanMs = 60_000 }: { olderThanMs?: number } = {}): Promise<{ dispatched: number }> {
  const stale = await db().passImport.findMany({
    where: { status: "QUEUED", total: { gt: 0 }, createdAt: { lte: new Date(Date.now() - olderThanMs) } },
    select: { id: true, tenantId: true, correlationId: true },
    take: 100,
  });
  if (stale.length) await inngest.send(stale.map((p) => passImportRequestedEvent({ importId: p.id, tenantId: p.tenantId, correlationId: p.correlationId })));
  return { dispatched: stale.length };
}
