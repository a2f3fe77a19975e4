/**
 * The one bounded body reader of every Passflow HTTP endpoint, and JSON parsing. Options say
 * what differs between callers: the size limit (413, enforced while the body streams in, never
 * buffering past it), the content types accepted (415; a charset other than UTF-8 is 415 too,
 * RFC 8259 §8.1), whether a missing Content-Type is read, whether a UTF-8 byte order mark is
 * kept in the text or stripped, and whether invalid UTF-8 is refused (400) or replaced (U+FFFD).
 */
import { isSafeNumber, parse as parseLossless } from "lossless-json";
import { HttpProblem } from "./problem";

/** 1 MiB: the largest webhook body accepted. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** `json`: application/json and application/*+json; `text`: text/plain (as bare HTTP clients send JSON); `csv`: text/csv (uploads). */
export type AcceptedType = "json" | "text" | "csv";

export interface ReadBodyOptions {
  /** Largest body in bytes (413 beyond). Default MAX_BODY_BYTES. */
  limit?: number;
  /** Content types read; others are 415. Default `["json"]`. */
  accept?: readonly AcceptedType[];
  /** Read a body without Content-Type (true) or refuse it with 415 (false, the default). */
  allowMissingType?: boolean;
  /**
   * A leading UTF-8 byte order mark: `keep` (the default) leaves the text exactly as sent, for
   * signatures and receipts (parseJson skips it); `strip` removes it.
   */
  bom?: "keep" | "strip";
  /** Invalid UTF-8: 400 naming `body` (true, the default) or replaced by U+FFFD (false). */
  strictUtf8?: boolean;
}

const TYPE_NAMES: Record<AcceptedType, string> = { json: "application/json", text: "text/plain", csv: "text/csv" };

function mediaTypeOf(value: string): string {
  return value.split(";")[0]!.trim().toLowerCase();
}

function matches(type: string, accepted: AcceptedType): boolean {
  if (accepted === "text") return type === "text/plain";
  if (accepted === "csv") return type === "text/csv";
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}

/** The `charset` parameter of a Content-Type, lower-cased and unquoted, if any. */
function charsetOf(value: string): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(value);
  return match?.[1]?.toLowerCase();
}

const unsupported = (detail: string, message: string) =>
  new HttpProblem({ status: 415, detail, errors: [{ field: "content-type", message }] });

/** @throws HttpProblem 415 when the Content-Type is not accepted or declares a charset other than UTF-8 */
function checkContentType(contentType: string | null, accept: readonly AcceptedType[], allowMissing: boolean): void {
  const names = accept.map((a) => TYPE_NAMES[a]).join(" or ");
  if (!contentType) {
    if (allowMissing) return;
    throw unsupported(`send the body as ${names}`, `must be ${names}`);
  }
  const type = mediaTypeOf(contentType);
  if (!accept.some((a) => matches(type, a))) throw unsupported(`send the body as ${names}`, `must be ${names}`);
  const charset = charsetOf(contentType);
  if (charset && charset !== "utf-8" && charset !== "utf8") {
    throw unsupported(accept.includes("json") ? "JSON bodies must be UTF-8 (RFC 8259)" : "bodies must be UTF-8", `charset ${charset} is not supported; send UTF-8`);
  }
}

/**
 * The raw body, refused by its Content-Length or, without buffering past the limit, while it
 * streams in. @throws HttpProblem 413 once the body exceeds `limit` bytes
 */
async function readBoundedBytes(request: Request, limit: number): Promise<Buffer> {
  const tooLarge = () => new HttpProblem({ status: 413, detail: `the body exceeds ${limit} bytes` });
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * A request body as it streams in (an upload), never buffered: its Content-Type checked as
 * `readBody` does, and refused by its Content-Length or once it streams past `limit`.
 * @throws HttpProblem 415 (content type, charset), 413 (over the limit, also from the iteration)
 */
export function streamBody(request: Request, options: Pick<ReadBodyOptions, "accept" | "allowMissingType"> & { limit: number }): AsyncGenerator<Uint8Array> {
  checkContentType(request.headers.get("content-type"), options.accept ?? ["json"], options.allowMissingType ?? false);
  const tooLarge = () => new HttpProblem({ status: 413, detail: `the body exceeds ${options.limit} bytes` });
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > options.limit) throw tooLarge();
  const body = request.body;
  return (async function* () {
    if (!body) return;
    const reader = body.getReader();
    let size = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        size += value.byteLength;
        if (size > options.limit) throw tooLarge();
        yield value;
      }
    } finally {
      await reader.cancel().catch(() => {});
    }
  })();
}

const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

/**
 * Reads a request body as text, per `options` (module comment).
 * @throws HttpProblem 415 (content type, charset), 413 (over the limit), 400 (invalid UTF-8 when strict)
 */
export async function readBody(request: Request, options: ReadBodyOptions = {}): Promise<string> {
  const { limit = MAX_BODY_BYTES, accept = ["json"], allowMissingType = false, bom = "keep", strictUtf8 = true } = options;
  checkContentType(request.headers.get("content-type"), accept, allowMissingType);
  const bytes = await readBoundedBytes(request, limit);
  let text: string;
  try {
    text = (strictUtf8 ? strict : lenient).decode(bytes);
  } catch {
    throw new HttpProblem({ status: 400, detail: "bodies must be UTF-8 (RFC 8259)", errors: [{ field: "body", message: "is not valid UTF-8" }] });
  }
  return bom === "strip" && text.startsWith("\uFEFF") ? text.slice(1) : text;
}

/**
 * A JSON number literal that a JavaScript number (an IEEE 754 double) cannot hold exactly, such
 * as `9007199254740993` (read by JSON.parse as …992), an integer beyond 2^53 or
 * `0.30000000000000000001` (lossless-json's `isSafeNumber`): kept as its
 * source text, so the caller decides (an identifier keeps the text, a field value is refused)
 * instead of using a silently rounded value.
 */
export class InexactNumber {
  constructor(readonly text: string) {}
}

/** Number text JSON.parse may round: 16 or more digits (a dot among them) or a 3-digit exponent. */
const MAYBE_INEXACT = /\d[\d.]{15,}|[eE][+-]?\d{3}/;

/**
 * `value` (JSON.parse of `json`) with every number literal a double cannot hold exactly as an
 * InexactNumber, read again by lossless-json when the text holds such a literal (the rest of the
 * time JSON.parse's value is returned as it is).
 * @throws HttpProblem 400 naming `body` when it is nested too deeply for that second reading
 */
function parseKeepingInexact(json: string, value: unknown): unknown {
  if (!MAYBE_INEXACT.test(json)) return value;
  try {
    return parseLossless(json, null, (text) => (isSafeNumber(text) ? Number(text) : new InexactNumber(text)));
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    throw new HttpProblem({ status: 400, detail: "the body is nested too deeply", errors: [{ field: "body", message: "nested too deeply to read its numbers exactly" }] });
  }
}

/**
 * Parses JSON text; a leading byte order mark is skipped (RFC 8259 §8.1 lets parsers ignore it).
 * With `exactNumbers`, a number literal a double cannot hold exactly (RFC 8259 §6: beyond IEEE 754
 * precision; Node 20's JSON.parse reviver does not see the source text) is returned as an
 * InexactNumber instead of a rounded number; other numbers are plain numbers as ever.
 * @throws HttpProblem 400 naming `body` for empty, invalid or truncated JSON
 */
export function parseJson(text: string, options: { exactNumbers?: boolean } = {}): unknown {
  const json = text.startsWith("\uFEFF") ? text.slice(1) : text;
  if (!json.trim()) throw new HttpProblem({ status: 400, detail: "the body is not JSON", errors: [{ field: "body", message: "the body is empty" }] });
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new HttpProblem({ status: 400, detail: "the body is not valid JSON", errors: [{ field: "body", message: (err as Error).message }] });
  }
  return options.exactNumbers ? parseKeepingInexact(json, value) : value;
}
