/**
 * Google Wallet save and delete callbacks (POST), signed ECv2SigningOnly: verified and recorded
 * once per nonce before the 200 (server/wallet/google/callback.ts).
 */
import { receiveGoogleCallback } from "@/server/wallet/google/callback";
import { readBody } from "@/server/platform/http/body";
import { route } from "@/server/platform/http/route";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ tenantId: string }> };

export const POST = route(async (request: Request, { params }: Params) => {
  const { tenantId } = await params;
  const bodyText = await readBody(request, { limit: 64 * 1024, accept: ["json", "text"], allowMissingType: true });
  const outcome = await receiveGoogleCallback({ tenant: tenantId, bodyText });
  return Response.json(outcome, { status: 200 });
});
