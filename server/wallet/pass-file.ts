/**
 * A pass's current .pkpass, from the build cache or built once: what the web service's "send an
 * updated pass" endpoint, the signed download link and the APNs sender (to warm the cache before
 * devices ask) all serve.
 */
import type { Prisma } from "@prisma/client";
import { db } from "../db/client";
import { env } from "../env";
import { decryptSecret } from "../crypto";
import { buildCache } from "./build-cache";
import { signingCredentials } from "./certificates";
import { buildPkpass, cachedPassModel, passModel } from "./pkpass";

/** The columns a download needs (pass type images are loaded only when a model is prepared). */
export const passFileSelect = {
  id: true,
  tenantId: true,
  serialNumber: true,
  versionTag: true,
  voided: true,
  data: true,
  metadata: true,
  authenticationTokenEncrypted: true,
  modifiedAt: true,
  updatedAt: true,
  tenant: { select: { id: true, slug: true } },
  customer: { select: { customerId: true } },
  passType: { select: { id: true, updatedAt: true, passTypeIdentifier: true, teamIdentifier: true } },
} satisfies Prisma.PassSelect;

export type PassFileRecord = Prisma.PassGetPayload<{ select: typeof passFileSelect }>;

/** The public base URL phones reach (PUBLIC_URL, default http://localhost:$PORT), no trailing slash. */
export function publicBaseUrl(): string {
  return (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, "");
}

/** The pass's webServiceURL: every device call is scoped to the tenant. */
export function webServiceUrl(tenantSlug: string): string {
  return `${publicBaseUrl()}/api/${tenantSlug}/passkit`;
}

/**
 * The version's Last-Modified: the trigger-maintained second (strictly increasing per pass), or
 * the whole second of updatedAt for a row the trigger has not seen.
 */
export function lastModified(pass: Pick<PassFileRecord, "modifiedAt" | "updatedAt">): Date {
  return pass.modifiedAt ?? new Date(Math.floor(pass.updatedAt.getTime() / 1000) * 1000);
}

async function modelFor(pass: PassFileRecord) {
  const cached = cachedPassModel(pass.passType);
  if (cached) return cached;
  return passModel(await db().passType.findUniqueOrThrow({ where: { id: pass.passType.id } }));
}

/**
 * The .pkpass of the pass's current version. `cached` is false when this call built it.
 * @throws WalletConfigError the tenant cannot sign (no certificate, expired)
 */
export async function pkpassFile(pass: PassFileRecord): Promise<{ body: Buffer; cached: boolean }> {
  const credentials = await signingCredentials(pass.tenant.id, pass.passType.passTypeIdentifier, pass.passType.teamIdentifier);
  const key = `${pass.id}:${pass.versionTag}:${pass.passType.id}@${pass.passType.updatedAt.getTime()}:${credentials.revision}`;
  return buildCache().get(key, async () => {
    const model = await modelFor(pass);
    return buildPkpass(
      model,
      {
        serialNumber: pass.serialNumber,
        authenticationToken: decryptSecret(pass.authenticationTokenEncrypted),
        webServiceURL: webServiceUrl(pass.tenant.slug),
        barcodeMessage: pass.customer.customerId ?? pass.serialNumber,
        data: (pass.data ?? {}) as Record<string, unknown>,
        metadata: (pass.metadata ?? {}) as Record<string, unknown>,
        voided: pass.voided,
      },
      credentials,
    );
  });
}
