/**
 * PassKit web service: register (POST) and unregister (DELETE) a device for a pass's updates.
 * Thin adapter over server/wallet/web-service.ts.
 */
import { REGISTER_MAX_BYTES, registerDevice, unregisterDevice } from "@/server/wallet/web-service";
import { readDeviceBody } from "@/server/wallet/http";
import { route } from "@/server/platform/http/route";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ tenantId: string; deviceLibraryIdentifier: string; passTypeIdentifier: string; serialNumber: string }> };

export const POST = route(async (request: Request, { params }: Params) => {
  const p = await params;
  const status = await registerDevice({
    tenant: p.tenantId,
    deviceLibraryIdentifier: p.deviceLibraryIdentifier,
    passTypeIdentifier: p.passTypeIdentifier,
    serialNumber: p.serialNumber,
    authorization: request.headers.get("authorization"),
    bodyText: await readDeviceBody(request, REGISTER_MAX_BYTES),
  });
  return new Response(null, { status });
});

export const DELETE = route(async (request: Request, { params }: Params) => {
  const p = await params;
  const status = await unregisterDevice({
    tenant: p.tenantId,
    deviceLibraryIdentifier: p.deviceLibraryIdentifier,
    passTypeIdentifier: p.passTypeIdentifier,
    serialNumber: p.serialNumber,
    authorization: request.headers.get("authorization"),
  });
  return new Response(null, { status });
});
