/** PassKit web service: messages devices log about the web service (POST). */
import { LOG_MAX_BYTES, recordLogs } from "@/server/wallet/web-service";
import { readJsonText, respond } from "@/server/wallet/http";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ tenantId: string }> };

export function POST(request: Request, { params }: Params) {
  return respond(async () => {
    const { tenantId } = await params;
    await recordLogs({ tenant: tenantId, bodyText: await readJsonText(request, LOG_MAX_BYTES) });
    return new Response(null, { status: 200 });
  });
}
