/**
 * PassKit web service: the latest version of a pass (GET, HEAD), 304 when unchanged since
 * If-Modified-Since. Thin adapter over server/wallet/web-service.ts.
 */
import { latestPass } from "@/server/wallet/web-service";
import { pkpassResponse } from "@/server/wallet/http";
import { route } from "@/server/platform/http/route";
import { downloadMetric } from "@/server/platform/metrics";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ tenantId: string; passTypeIdentifier: string; serialNumber: string }> };

export const GET = route(async (request: Request, { params }: Params) => {
  const p = await params;
  const result = await latestPass({
    tenant: p.tenantId,
    passTypeIdentifier: p.passTypeIdentifier,
    serialNumber: p.serialNumber,
    authorization: request.headers.get("authorization"),
    ifModifiedSince: request.headers.get("if-modified-since"),
  });
  if (result.status === 304) {
    return new Response(null, { status: 304, headers: { "last-modified": result.lastModified.toUTCString(), "cache-control": "private, no-cache" } });
  }
  return pkpassResponse(result.body, { cached: result.cached, lastModified: result.lastModified, filename: `${result.serialNumber}.pkpass` });
}, { metric: downloadMetric("web_service") });

/** HEAD: the same status and headers; Next.js sends no body. */
export const HEAD = GET;
