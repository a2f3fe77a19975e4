/**
 * Apple Wallet metrics read at scrape time: per tenant, the seconds until its earliest Pass Type
 * ID certificate expires (imported certificates; development chains are left out), and the size
 * of the .pkpass build cache. A certificate also authenticates the tenant's APNs connection unless
 * the tenant has a token-based .p8 key, which has no expiry.
 */
import { poolSql } from "../db/sql";
import { scrapeGauges } from "@/server/platform/metrics";
import { buildCache } from "./build-cache";

/** Registers `passflow_wallet_certificate_expiry_seconds` and `passflow_pkpass_cache_*` (once per process). */
export function registerWalletMetrics(): void {
  scrapeGauges(
    {
      passflow_wallet_certificate_expiry_seconds: {
        help: "Seconds until the tenant's earliest-expiring imported Pass Type ID certificate (its passes' signer and, without a .p8 key, its APNs credential) expires; negative once expired",
        labelNames: ["tenant"],
      },
    },
    async (g) => {
      const rows = await poolSql().query<{ tenant: string; seconds: number }>(
        `SELECT t.slug AS tenant, EXTRACT(EPOCH FROM (min(c."expiresAt") - (now() AT TIME ZONE 'UTC')))::float8 AS seconds
           FROM "WalletCertificate" c JOIN "Tenant" t ON t.id = c."tenantId"
          WHERE NOT c.development GROUP BY t.slug`,
      );
      for (const { tenant, seconds } of rows) g.passflow_wallet_certificate_expiry_seconds.set({ tenant }, seconds);
    },
  );
  scrapeGauges(
    {
      passflow_pkpass_cache_entries: { help: ".pkpass versions held in the build cache" },
      passflow_pkpass_cache_bytes: { help: "Bytes of the .pkpass versions held in the build cache" },
    },
    (g) => {
      const stats = buildCache().stats();
      g.passflow_pkpass_cache_entries.set(stats.entries);
      g.passflow_pkpass_cache_bytes.set(stats.bytes);
    },
  );
}
