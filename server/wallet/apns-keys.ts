/** A tenant's APNs auth key (.p8, token-based APNs), stored sealed with `encryptSecret`. */
import { createPrivateKey } from "node:crypto";
import { db } from "../db/client";
import { encryptSecret } from "@/server/platform/crypto";
import { audit } from "@/server/staff/audit";
import { DomainError } from "@/server/platform/errors";
import { forgetTenant, getTenant } from "../tenants/tenants";

/**
 * Configures token-based APNs (an Apple .p8 auth key) for a tenant; pushes then use a provider
 * token instead of the Pass Type ID certificate's TLS client authentication.
 * @throws DomainError invalid_input (not an EC P-256 PKCS#8 key, malformed ids), tenant_not_found
 */
export async function setApnsKey(input: { tenant: string; keyId: string; teamId: string; p8Pem: string; actor: string }): Promise<void> {
  const tenant = await getTenant(input.tenant);
  if (!/^[A-Z0-9]{10}$/.test(input.keyId)) throw new DomainError("invalid_input", "key id must be 10 upper-case letters or digits", "keyId");
  if (!/^[A-Z0-9]{10}$/.test(input.teamId)) throw new DomainError("invalid_input", "team id must be 10 upper-case letters or digits", "teamId");
  try {
    const key = createPrivateKey(input.p8Pem);
    if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") throw new Error("not an EC P-256 key");
  } catch (err) {
    throw new DomainError("invalid_input", `not an APNs auth key (.p8): ${(err as Error).message}`, "p8");
  }
  await db().tenant.update({
    where: { id: tenant.id },
    data: { apnsKeyId: input.keyId, apnsTeamId: input.teamId, apnsKeyEncrypted: encryptSecret(input.p8Pem) },
  });
  forgetTenant(tenant.id);
  await audit({ actor: input.actor, action: "wallet.apns_key.set", targetType: "Tenant", targetId: tenant.id, tenantId: tenant.id, details: { keyId: input.keyId, teamId: input.teamId } });
}
