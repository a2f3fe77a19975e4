/**
 * A pass type's published images at public URLs (`GET /api/{tenant}/pass-types/{key}/images/{name}`),
 * for wallets that fetch images rather than receive them in a file: Google Wallet's class and
 * object images (./google/mapping.ts) point here. Only the PNGs the published definition holds
 * are served; the URL carries `?v=<revision>`, so a response may be cached for a long time.
 */
import { db } from "../db/client";
import { parseImageName } from "@/server/pass-types/images";
import { passImages } from "@/server/pass-types/pass-types";
import { PassKitError } from "./errors";

/**
 * The PNG bytes of image `name` (`logo@2x.png`) of the tenant's (slug or id) pass type `key`.
 * @throws PassKitError 404 for an unknown tenant, pass type or image
 */
export async function passTypeImage(input: { tenant: string; passTypeKey: string; name: string }): Promise<Buffer> {
  if (!parseImageName(input.name)) throw new PassKitError(404);
  const passType = await db().passType.findFirst({
    where: { key: input.passTypeKey, tenant: { OR: [{ slug: input.tenant }, { id: input.tenant }] } },
    select: { images: true },
  });
  const base64 = passType ? passImages(passType)[input.name] : undefined;
  if (!base64) throw new PassKitError(404);
  return Buffer.from(base64, "base64");
}
