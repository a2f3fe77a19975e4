/**
 * `tsx e2e/seed-funnel.ts <slug>`: records install funnel events (PassEvent) for the basic passes
 * of a spec tenant in the e2e server's database, as the Add to Wallet page and the wallets would,
 * and prints the totals the console must show for the basic pass type over 30 days as JSON.
 */
import { DATA_DIR } from "./fixtures";

async function main() {
  const [slug] = process.argv.slice(2);
  if (!slug) throw new Error("usage: tsx e2e/seed-funnel.ts <slug>");
  process.env.PASSFLOW_DATA_DIR = DATA_DIR;
  const { resolveDatabase } = await import("../server/db/url");
  const { closeDb, db } = await import("../server/db/client");
  const { seedPassEvents } = await import("@/server/tooling/testing/pass-events");
  const database = await resolveDatabase();
  try {
    const passes = await db().pass.findMany({ where: { tenant: { slug }, passType: { key: "basic" } }, select: { id: true, tenantId: true, passTypeId: true }, orderBy: { createdAt: "asc" } });
    const first = passes[0];
    if (!first) throw new Error(`tenant ${slug} has no basic pass`);
    await seedPassEvents(first, "PAGE_OPENED", 5, { daysAgo: 2 });
    await seedPassEvents(first, "DOWNLOADED", 4, { daysAgo: 2, platform: "APPLE" });
    await seedPassEvents(first, "INSTALLED", 3, { daysAgo: 1, platform: "APPLE" });
    await seedPassEvents(first, "REMOVED", 1, { daysAgo: 0, platform: "APPLE" });
    const issued = await db().passEvent.count({ where: { passTypeId: first.passTypeId, kind: "ISSUED" } });
    process.stdout.write(JSON.stringify({ ISSUED: issued, PAGE_OPENED: 5, DOWNLOADED: 4, INSTALLED: 3, REMOVED: 1 }) + "\n");
  } finally {
    await closeDb();
    await database.release();
  }
}

main().catch((err: unknown) => {
  console.error(`seed-funnel: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
