/**
 * Reading request bodies safely: JSON content type only (415), a size limit enforced while the
 * body streams in (413, without buffering past the limit), and JSON parse errors as 400.
 */
import { HttpProblem } from "./problem";

/** 1 MiB: the largest webhook body accepted. */
export const MAX_BODY_BYTES = 1024 * 1024;

function isJsonContentType(value: string | null): boolean {
  if (!value) return false;
  const type = value.split(";")[0]!.trim().toLowerCase();
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}

/**
 * Reads the raw body as UTF-8 text, refusing it by its Content-Length or, without buffering past
 * the limit, while it streams in. @throws what `tooLarge()` returns, once the body exceeds `limit` bytes
 */
export async function readBoundedText(request: Request, limit: number, tooLarge: () => Error): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  if (!request.body) return "";
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
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Reads the raw body as text. @throws HttpProblem 415 (not JSON), 413 (over `limit` bytes)
 */
export async function readJsonText(request: Request, limit = MAX_BODY_BYTES): Promise<string> {
  if (!isJsonContentType(request.headers.get("content-type"))) {
    throw new HttpProblem({ status: 415, title: "Unsupported media type", detail: "send the body as application/json", errors: [{ field: "content-type", message: "must be application/json" }] });
  }
  return readBoundedText(request, limit, () => new HttpProblem({ status: 413, title: "Payload too large", detail: `the body exceeds ${limit} bytes` }));
}

/** Parses JSON text. @throws HttpProblem 400 naming `body` for empty, invalid or truncated JSON */
export function parseJson(text: string): unknown {
  if (!text.trim()) throw new HttpProblem({ status: 400, title: "Invalid JSON", errors: [{ field: "body", message: "the body is empty" }] });
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpProblem({ status: 400, title: "Invalid JSON", errors: [{ field: "body", message: (err as Error).message }] });
  }
}
