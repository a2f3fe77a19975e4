/**
 * Reading request bodies safely: JSON content type only, in UTF-8 (415), a size limit enforced
 * while the body streams in (413, without buffering past the limit), and invalid UTF-8 or JSON
 * as 400.
 */
import { HttpProblem } from "./problem";

/** 1 MiB: the largest webhook body accepted. */
export const MAX_BODY_BYTES = 1024 * 1024;

function isJsonContentType(value: string | null): boolean {
  if (!value) return false;
  const type = value.split(";")[0]!.trim().toLowerCase();
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}

/** The `charset` parameter of a Content-Type, lower-cased and unquoted, if any. */
function charsetOf(value: string): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(value);
  return match?.[1]?.toLowerCase();
}

/** JSON between systems is UTF-8 (RFC 8259 §8.1); a BOM is kept in the text, parseJson skips it. */
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Reads the raw body, refusing it by its Content-Length or, without buffering past the limit,
 * while it streams in. @throws what `tooLarge()` returns, once the body exceeds `limit` bytes
 */
async function readBoundedBytes(request: Request, limit: number, tooLarge: () => Error): Promise<Buffer> {
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
 * Reads the raw body as UTF-8 text (an invalid sequence becomes U+FFFD), bounded as
 * readBoundedBytes. @throws what `tooLarge()` returns, once the body exceeds `limit` bytes
 */
export async function readBoundedText(request: Request, limit: number, tooLarge: () => Error): Promise<string> {
  return (await readBoundedBytes(request, limit, tooLarge)).toString("utf8");
}

/**
 * Reads the raw body of a JSON request as text, exactly as sent.
 * @throws HttpProblem 415 (not JSON, or a charset other than UTF-8), 413 (over `limit` bytes),
 *   400 (not valid UTF-8)
 */
export async function readJsonText(request: Request, limit = MAX_BODY_BYTES): Promise<string> {
  const contentType = request.headers.get("content-type");
  if (!isJsonContentType(contentType)) {
    throw new HttpProblem({ status: 415, title: "Unsupported media type", detail: "send the body as application/json", errors: [{ field: "content-type", message: "must be application/json" }] });
  }
  const charset = charsetOf(contentType!);
  if (charset && charset !== "utf-8" && charset !== "utf8") {
    throw new HttpProblem({ status: 415, title: "Unsupported media type", detail: "JSON bodies must be UTF-8 (RFC 8259)", errors: [{ field: "content-type", message: `charset ${charset} is not supported; send UTF-8` }] });
  }
  const bytes = await readBoundedBytes(request, limit, () => new HttpProblem({ status: 413, title: "Payload too large", detail: `the body exceeds ${limit} bytes` }));
  try {
    return utf8.decode(bytes);
  } catch {
    throw new HttpProblem({ status: 400, title: "Invalid JSON", detail: "JSON bodies must be UTF-8 (RFC 8259)", errors: [{ field: "body", message: "is not valid UTF-8" }] });
  }
}

/**
 * Parses JSON text; a leading byte order mark is skipped (RFC 8259 §8.1 lets parsers ignore it).
 * @throws HttpProblem 400 naming `body` for empty, invalid or truncated JSON
 */
export function parseJson(text: string): unknown {
  const json = text.startsWith("\uFEFF") ? text.slice(1) : text;
  if (!json.trim()) throw new HttpProblem({ status: 400, title: "Invalid JSON", errors: [{ field: "body", message: "the body is empty" }] });
  try {
    return JSON.parse(json);
  } catch (err) {
    throw new HttpProblem({ status: 400, title: "Invalid JSON", errors: [{ field: "body", message: (err as Error).message }] });
  }
}
