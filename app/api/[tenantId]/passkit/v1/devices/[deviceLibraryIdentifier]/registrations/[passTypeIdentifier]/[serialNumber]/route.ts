/**
 * PassKit web service: register (POST) and unregister (DELETE) a device for a pass's updates.
 * Thin adapter over server/wallet/web-service.ts.
 */
import { REGISTER_MAX_BYTES, registerDevice, unregisterDevice } from "@/server/wallet/web-service";
import { readJsonText, respond } from "@/server/wallet/http";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ tenantId: string; deviceLibraryIdentifier: string; passTypeIdentifier: string; serialNumber: string }> };

export function POST(request: Request, { params }: Params) {
  return respond(async () => {
    const p = await params;
    const status = await registerDevice({
      tenant: p.tenantId,
      deviceLibraryIdentifier: p.deviceLibraryIdentifier,
      passTypeIdentifier: p.passTypeIdentifier,
      serialNumber: p.serialNumber,
      authorization: request.headers.get("authorization"),
      bodyText: await readJsonText(request, REGISTER_MAX_BYTES),
    });
    return new Response(null, { status });
  });
}

export function DELETE(request: Request, { params }: Params) {
  return respond(async () => {
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
}
