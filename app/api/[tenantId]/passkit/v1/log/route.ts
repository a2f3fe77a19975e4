/** PassKit web service: messages devices log about the web service (POST). */
import { LOG_MAX_BYTES, recordLogs } from "@/server/wallet/web-service";
import { readDeviceBody } from "@/server/wallet/http";
import { route } from "@/server/platform/http/route";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ tenantId: string }> };

export const POST = route(async (request: Request, { params }: Params) => {
  const { tenantId } = await params;
  await recordLogs({ tenant: tenantId, bodyText: await readDeviceBody(request, LOG_MAX_BYTES) });
  return new Response(null, { status: 200 });
});
