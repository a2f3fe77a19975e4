import pg from "pg";
import { db } from "./db/client";
async function main() {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 5 });
  let t = performance.now();
  for (let i = 0; i < 100; i++) await pool.query("SELECT 1");
  console.log(`pg SELECT 1 ${((performance.now() - t) / 100).toFixed(2)} ms`);
  await db().$queryRaw`SELECT 1`;
  t = performance.now();
  for (let i = 0; i < 100; i++) await db().$queryRaw`SELECT 1`;
  console.log(`prisma raw ${((performance.now() - t) / 100).toFixed(2)} ms`);
  t = performance.now();
  for (let i = 0; i < 100; i++) await db().tenant.findFirst({ where: { slug: "x" } });
  console.log(`prisma findFirst ${((performance.now() - t) / 100).toFixed(2)} ms`);
  t = performance.now();
  for (let i = 0; i < 100; i++) await db().tenant.findUnique({ where: { slug: "x" } });
  console.log(`prisma findUnique ${((performance.now() - t) / 100).toFixed(2)} ms`);
  process.exit(0);
}
main();
