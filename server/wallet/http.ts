/**
 * HTTP plumbing of the wallet route handlers (web-standard Request/Response, no Next.js): how a
 * device's body is read and how a .pkpass is answered. Errors go through the platform's one
 * table and route wrapper (server/platform/http/errors.ts, route.ts).
 */
import { readBody } from "@/server/platform/http/body";

/**
 * A device's request body as text: JSON, also as text/plain or without Content-Type (bare
 * clients), at most `maxBytes` (413); a BOM is stripped and invalid UTF-8 replaced, as devices
 * send what they send. @throws HttpProblem 413, 415
 */
export function readDeviceBody(request: Request, maxBytes: number): Promise<string> {
  return readBody(request, { limit: maxBytes, accept: ["json", "text"], allowMissingType: true, bom: "strip", strictUtf8: false });
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
  // Next.js sends no body for HEAD and sets the framing itself (it drops Content-Length). A view
  // of the cached bytes, not a copy: the cache never changes a stored version.
  return new Response(new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength), { status: 200, headers });
}
