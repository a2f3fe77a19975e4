/** A pass type's image at a public, cacheable URL (server/wallet/pass-type-images.ts): what Google Wallet fetches. */
import { passTypeImage } from "@/server/wallet/pass-type-images";
import { route } from "@/server/platform/http/route";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ tenantId: string; key: string; name: string }> };

export const GET = route(async (_request: Request, { params }: Params) => {
  const { tenantId, key, name } = await params;
  const png = await passTypeImage({ tenant: tenantId, passTypeKey: decodeURIComponent(key), name: decodeURIComponent(name) });
  return new Response(new Uint8Array(png), { status: 200, headers: { "content-type": "image/png", "cache-control": "public, max-age=86400" } });
});
