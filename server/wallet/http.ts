/**
 * HTTP plumbing shared by the wallet route handlers (web-standard Request/Response, no Next.js):
 * bounded body reading, JSON parsing, and errors as `application/problem+json` (RFC 9457).
 */
import { DomainError } from "@/server/platform/errors";
import { logger } from "@/server/platform/log";
import { PassKitError, WalletConfigError } from "./errors";
import { readBoundedText } from "@/server/platform/http/body";

/** An RFC 9457 problem response. */
export function problem(status: number, title: string, detail?: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ type: "about:blank", title, status, ...(detail ? { detail } : {}) }), {
    status,
    headers: { "content-type": "application/problem+json", "cache-control": "no-store", ...headers },
  });
}

/**
 * The request body as text, refused with 413 when over `maxBytes` (by Content-Length or while
 * reading) and 415 when a Content-Type other than JSON (or text/plain, as bare clients send) is
 * declared.
 * @throws PassKitError 413, 415
 */
export async function readJsonText(request: Request, maxBytes: number): Promise<string> {
  const type = request.headers.get("content-type");
  if (type && !/^(application\/([\w.+-]+\+)?json|text\/plain)\b/i.test(type)) throw new PassKitError(415, "Unsupported Media Type", "send application/json");
  return readBoundedText(request, maxBytes, () => new PassKitError(413, "Content Too Large", `the body is limited to ${maxBytes} bytes`));
}

/** @throws PassKitError 400 when `text` is not JSON */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new PassKitError(400, "Malformed JSON", "the body is not valid JSON");
  }
}

/** Maps what a wallet handler throws to a problem response; unexpected errors are logged as 500. */
export function errorResponse(err: unknown): Response {
  if (err instanceof PassKitError) return problem(err.status, err.title, err.message === err.title ? undefined : err.message);
  if (err instanceof DomainError && err.code === "tenant_not_found") return problem(404, "Not Found", "unknown tenant");
  if (err instanceof WalletConfigError) {
    logger.error({ err: err.message }, "wallet configuration problem");
    return problem(503, "Wallet Not Configured", err.message, { "retry-after": "300" });
  }
  logger.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) }, "wallet request failed");
  return problem(500, "Internal Server Error");
}

/** Runs a handler, answering whatever it throws with `errorResponse`. */
export async function respond(handler: () => Promise<Response>): Promise<Response> {
  try {
    return await handler();
  } catch (err) {
    return errorResponse(err);
  }
}

/**
 * A .pkpass response (`application/vnd.apple.pkpass`); `cached` says whether the build cache
 * served it (`x-pkpass-cache: hit|miss`).
 */
export function pkpassResponse(body: Buffer, opts: { cached: boolean; lastModified?: Date; filename?: string }): Response {
  const headers: Record<string, string> = {
    "content-type": "application/vnd.apple.pkpass",
    "cache-control": "private, no-cache",
    "x-pkpass-cache": opts.cached ? "hit" : "miss",
  };
  if (opts.lastModified) headers["last-modified"] = opts.lastModified.toUTCString();
  if (opts.filename) headers["content-disposition"] = `attachment; filename="${opts.filename.replace(/[^\w.-]/g, "_")}"`;
  // Next.js sets the framing itself (it drops Content-Length) and sends no body for HEAD.
  return new Response(new Uint8Array(body), { status: 200, headers });
}
