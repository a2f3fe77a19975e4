/**
 * PassKit web service: the serial numbers of a device's passes updated since a tag (GET).
 * Thin adapter over server/wallet/web-service.ts.
 */
import { listUpdatedSerials } from "@/server/wallet/web-service";
import { route } from "@/server/platform/http/route";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ tenantId: string; deviceLibraryIdentifier: string; passTypeIdentifier: string }> };

export const GET = route(async (request: Request, { params }: Params) => {
  const p = await params;
  const result = await listUpdatedSerials({
    tenant: p.tenantId,
    deviceLibraryIdentifier: p.deviceLibraryIdentifier,
    passTypeIdentifier: p.passTypeIdentifier,
    passesUpdatedSince: new URL(request.url).searchParams.get("passesUpdatedSince"),
  });
  if (result.status === 204) return new Response(null, { status: 204 });
  return Response.json(result.body, { headers: { "cache-control": "no-store" } });
});
