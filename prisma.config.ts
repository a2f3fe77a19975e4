/**
 * Prisma CLI configuration that works offline: the WASM schema engine (`engine: "js"`) and the
 * PostgreSQL driver adapter, so no native engine is ever downloaded.
 * DATABASE_URL is set by `npm run db:migrate` / the CLI (embedded PostgreSQL when unset).
 */
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";
import type { PoolConfig } from "pg";
import { patchPgGlobally } from "./server/db/pg-patch";
import { pgConfigFromUrl } from "./server/platform/pg-config";

patchPgGlobally();

// `prisma generate` resolves the schema's env("DATABASE_URL") but never connects. Unset, the CLI
// falls back to a native engine download, so give it a placeholder for that command only.
if (!process.env.DATABASE_URL && process.argv.includes("generate")) {
  process.env.DATABASE_URL = "postgres://generate-only.invalid/placeholder";
}

/** adapter-pg 6.19.3 drops the shadow database before closing its pool; close first, then drop. */
class PrismaPgMigrate extends PrismaPg {
  constructor(private readonly poolConfig: PoolConfig) {
    super(poolConfig);
  }

  override async connectToShadowDb() {
    const admin = await this.connect();
    const database = `prisma_shadow_${crypto.randomUUID().replaceAll("-", "")}`;
    await admin.executeScript(`CREATE DATABASE "${database}"`);
    const shadow = await new PrismaPg({ ...this.poolConfig, database }).connect();
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      await admin.executeScript(`DROP DATABASE IF EXISTS "${database}"`);
      await admin.dispose();
    };
    return shadow;
  }
}

export default defineConfig({
  schema: "prisma/schema.prisma",
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set (use `npm run db:migrate`, which starts the embedded database)");
    return new PrismaPgMigrate(pgConfigFromUrl(url, 2));
  },
});
