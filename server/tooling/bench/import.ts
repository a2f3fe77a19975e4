/**
 * `npm run bench:import`: bulk enrolment of BENCH_ROWS (default 100,000) customers from a CSV
 * file, on a fresh local PostgreSQL database (BENCH_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/passflow_bench_import, dropped and re-created).
 *
 * In this process, the way the pass-import function does it: the file is generated as a stream
 * and stored by `startPassImport` (the CLI's and the console's path), then `runImportSlice` runs
 * slices of 20 s from the committed cursor until the import is SUCCEEDED (the function's steps,
 * without the executor's HTTP round trips). Prints the time to store the file, rows/s of the
 * run, and this process's memory sampled every 100 ms: peak RSS and peak V8 heap used next to
 * the values at each quarter of the run (flat: no per-row state is kept), and the load average
 * (the machine is shared). Target (issue 15): at least 1,000 rows/s with flat memory.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { freshDatabase } from "./fresh-database";

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const PG_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/passflow_bench_import";

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const load = () => loadavg().map((l) => l.toFixed(1)).join(" ");

/** The benchmark's file: one customer per row with an email, a phone, a name and two typed fields. */
async function* generatedCsv(rows: number): AsyncGenerator<Uint8Array> {
  let lines = ["email,phone,memberName,points,offerExpires"];
  for (let n = 1; n <= rows; n++) {
    lines.push(`bench-${n}@example.com,+4420${70_000_000 + n},Member ${n},${n % 5000},2027-01-31`);
    if (lines.length === 1000 || n === rows) {
      yield Buffer.from(lines.join("\n") + "\n");
      lines = [];
    }
  }
}

async function main() {
  const dataDir = mkdtempSync(path.join(tmpdir(), "passflow-bench-import-"));
  process.env.PASSFLOW_DATA_DIR = dataDir;
  process.env.PASSFLOW_ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  process.env.LOG_LEVEL ??= "warn";
  const databaseUrl = await freshDatabase(PG_URL);
  process.env.DATABASE_URL = databaseUrl;
  const { migrateDeploy } = await import("@/server/db/migrate");
  await migrateDeploy(databaseUrl);
  const { closeDb, db } = await import("@/server/db/client");
  const { createTenant } = await import("@/server/tenants/tenants");
  const { startPassImport, runImportSlice, getPassImport } = await import("@/server/passes/imports");
  const tenant = await createTenant({ slug: `bench-import-${Date.now().toString(36)}`, name: "Bench Import", actor: "bench" });

  const samples: { at: number; rss: number; heap: number }[] = [];
  const sample = () => {
    const m = process.memoryUsage();
    samples.push({ at: Date.now(), rss: m.rss, heap: m.heapUsed });
  };
  const sampler = setInterval(sample, 100);
  console.log(`storing a file of ${ROWS.toLocaleString("en-US")} rows…`);
  const storeStart = Date.now();
  const stored = await startPassImport({ tenant: tenant.slug, passType: "basic", fileName: "bench.csv", file: generatedCsv(ROWS), actor: "bench", dispatch: false });
  const storeMs = Date.now() - storeStart;
  console.log(`stored ${(stored.total).toLocaleString("en-US")} rows in ${(storeMs / 1000).toFixed(1)} s`);

  const runStart = Date.now();
  sample();
  const firstSample = samples.length - 1;
  let slices = 0;
  for (;;) {
    slices++;
    const r = await runImportSlice(stored.id, 20_000);
    const p = (await getPassImport(stored.id))!;
    console.log(`  slice ${slices}: ${p.done.toLocaleString("en-US")} / ${p.total.toLocaleString("en-US")} rows, ${p.rowsPerSecond ?? "-"} rows/s so far, load ${load()}`);
    if (r.finished) break;
  }
  const runMs = Date.now() - runStart;
  sample();
  clearInterval(sampler);
  const done = (await getPassImport(stored.id))!;
  const passes = await db().pass.count({ where: { tenantId: tenant.id } });
  const events = await db().passEvent.count({ where: { tenantId: tenant.id, kind: "ISSUED" } });
  const run = samples.slice(firstSample);
  const at = (q: number) => run[Math.min(run.length - 1, Math.floor((run.length - 1) * q))]!;
  const peak = (k: "rss" | "heap") => Math.max(...run.map((s) => s[k]));

  console.log("");
  console.log(`bench:import  ${ROWS.toLocaleString("en-US")} rows, ${cpus().length} cores, load average ${load()}`);
  console.log(`  status            ${done.status}: ${done.issued.toLocaleString("en-US")} issued, ${done.existing} existing, ${done.failed} failed; ${passes.toLocaleString("en-US")} passes, ${events.toLocaleString("en-US")} ISSUED events`);
  console.log(`  store the file    ${(storeMs / 1000).toFixed(1)} s (${Math.round(ROWS / (storeMs / 1000)).toLocaleString("en-US")} rows/s)`);
  console.log(`  issue             ${(runMs / 1000).toFixed(1)} s in ${slices} slice(s): ${Math.round(ROWS / (runMs / 1000)).toLocaleString("en-US")} rows/s (target >= 1,000)`);
  console.log(`  peak RSS          ${mb(peak("rss"))} (at 0/25/50/75/100 %: ${[0, 0.25, 0.5, 0.75, 1].map((q) => mb(at(q).rss)).join(" / ")})`);
  console.log(`  peak heap used    ${mb(peak("heap"))} (at 0/25/50/75/100 %: ${[0, 0.25, 0.5, 0.75, 1].map((q) => mb(at(q).heap)).join(" / ")})`);
  await closeDb();
  rmSync(dataDir, { recursive: true, force: true });
  if (done.status !== "SUCCEEDED" || passes !== ROWS) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
