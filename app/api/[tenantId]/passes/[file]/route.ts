/**
 * A pass through a signed, expiring download link: GET (and HEAD)
 * /api/{tenantId}/passes/{serialNumber}.pkpass?expires=…&signature=… (see server/wallet/links.ts).
 */
import { downloadByLink } from "@/server/wallet/links";
import { pkpassResponse } from "@/server/wallet/http";
import { route } from "@/server/platform/http/route";
import { downloadMetric } from "@/server/platform/metrics";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ tenantId: string; file: string }> };

export const GET = route(async (request: Request, { params }: Params) => {
  const { tenantId, file } = await params;
  const q = new URL(request.url).searchParams;
  // a HEAD (a link checker, a mail scanner) downloads nothing: only a GET counts as a download
  const result = await downloadByLink({ tenant: tenantId, file, expires: q.get("expires"), signature: q.get("signature"), record: request.method === "GET" });
  return pkpassResponse(result.body, { cached: result.cached, filename: `${result.serialNumber}.pkpass` });
}, { metric: downloadMetric("link") });

/** HEAD: the same status and headers (no DOWNLOADED event); Next.js sends no body. */
export const HEAD = GET;
