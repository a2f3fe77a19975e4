/**
 * Test and benchmark helper: `count` holders of a pass type written in bulk SQL (a few statements
 * whatever the count): customers `holder-<i>@<prefix>.example`, one live pass each (data
 * `{ points: i, tier: "Member" }`, metadata computed once, one shared authentication token) and,
 * with `devices`, one registered device each (push token: 64 hex characters).
 */
import { randomUUID } from "node:crypto";
import { db } from "@/server/db/client";
import { computeMetadata } from "@/server/pass-types/pass-types";
import { encryptSecret, randomToken } from "@/server/platform/crypto";

export async function seedHolders(opts: { tenantId: string; passTypeKey: string; count: number; devices?: boolean; prefix?: string }): Promise<{ passTypeId: string }> {
  const passType = await db().passType.findUniqueOrThrow({ where: { tenantId_key: { tenantId: opts.tenantId, key: opts.passTypeKey } } });
  const prefix = opts.prefix ?? randomUUID().slice(0, 8);
  const metadata = computeMetadata(passType, { points: 0, tier: "Member" }) as object;
  const token = encryptSecret(randomToken(24));
  const chunk = 20_000;
  for (let from = 0; from < opts.count; from += chunk) {
    const to = Math.min(opts.count, from + chunk) - 1;
    await db().$executeRaw`
      INSERT INTO "Customer" (id, "tenantId", email, "updatedAt")
      SELECT ${prefix} || '-c-' || i, ${opts.tenantId}, 'holder-' || i || '@' || ${prefix} || '.example', now() FROM generate_series(${from}::int, ${to}::int) i`;
    await db().$executeRaw`
      INSERT INTO "Pass" (id, "tenantId", "customerRecordId", "passTypeId", "serialNumber", "authenticationTokenEncrypted", data, metadata, "updatedAt")
      SELECT ${prefix} || '-p-' || lpad(i::text, 7, '0'), ${opts.tenantId}, ${prefix} || '-c-' || i, ${passType.id}, gen_random_uuid()::text, ${token},
             jsonb_build_object('points', i, 'tier', 'Member'), ${JSON.stringify(metadata)}::jsonb, now()
        FROM generate_series(${from}::int, ${to}::int) i`;
    if (!opts.devices) continue;
    await db().$executeRaw`
      INSERT INTO "Device" (id, "deviceLibraryIdentifier", "pushToken", "updatedAt")
      SELECT ${prefix} || '-d-' || i, ${prefix} || '-dl-' || i, md5(${prefix} || 'a' || i) || md5(${prefix} || 'b' || i), now() FROM generate_series(${from}::int, ${to}::int) i`;
    await db().$executeRaw`
      INSERT INTO "Registration" (id, "deviceId", "passId")
      SELECT ${prefix} || '-r-' || i, ${prefix} || '-d-' || i, ${prefix} || '-p-' || lpad(i::text, 7, '0') FROM generate_series(${from}::int, ${to}::int) i`;
  }
  return { passTypeId: passType.id };
}
