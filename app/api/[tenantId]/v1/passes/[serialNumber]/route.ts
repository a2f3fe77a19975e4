/** GET /api/{tenantId}/v1/passes/{serialNumber}: a pass and its links (see server/klaviyo/passes-api.ts). */
import { getPassRequestHandler } from "@/server/klaviyo/passes-api";
import { methodNotAllowed } from "@/server/platform/http/problem";
import { route } from "@/server/platform/http/route";

type Context = { params: Promise<{ tenantId: string; serialNumber: string }> };

export const dynamic = "force-dynamic";
export const GET = route(async (request: Request, { params }: Context) => {
  const { tenantId, serialNumber } = await params;
  return getPassRequestHandler(request, tenantId, serialNumber);
});
const onlyGet = route(() => methodNotAllowed("GET"));
export const POST = onlyGet;
export const PUT = onlyGet;
export const PATCH = onlyGet;
export const DELETE = onlyGet;
