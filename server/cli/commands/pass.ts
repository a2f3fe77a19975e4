/** CLI `pass`: issue, show and link passes. */
import type { Command } from "commander";
import { createReadStream, createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import path from "node:path";
import { issuePass, showPass } from "@/server/passes/passes";
import { getPassImport, importErrorsCsv, listImportErrors, startPassImport, type ImportProgress } from "@/server/passes/imports";
import { ACTOR, out, json, collect, pairs, withDb } from "../common";

export function registerPassCommands(program: Command): void {
  const pass = program.command("pass").description("passes");
  pass
    .command("issue")
    .description("issue a pass (creating the customer if needed) and print its serialNumber")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .requiredOption("--type <key>", "pass type key (basic, premium…)")
    .option("--email <email>")
    .option("--phone <phone>", "any format; read with the tenant's default region")
    .option("--customer-id <id>", "the merchant's customer id")
    .option("--identifier <key=value>", "custom identifier (repeatable)", collect, [])
    .option("--json", "print { serialNumber, created, googleSaveUrl, googleObjectId } as JSON (the Google fields when the tenant has a Google Wallet issuer)")
    .action(
      withDb(async (opts: { tenant: string; type: string; email?: string; phone?: string; customerId?: string; identifier: string[]; json?: boolean }) => {
        const r = await issuePass({
          tenant: opts.tenant,
          passType: opts.type,
          identifiers: { ...pairs(opts.identifier), email: opts.email, phone: opts.phone, customerId: opts.customerId },
        });
        const { googleSaveLink } = await import("@/server/wallet/google/objects"); // wallet modules load on use
        const google = await googleSaveLink({ tenant: opts.tenant, serialNumber: r.serialNumber });
        if (opts.json) json({ ...r, ...(google ? { googleSaveUrl: google.url, googleObjectId: google.objectId } : {}) });
        else {
          out(r.serialNumber);
          if (google) out(google.url);
        }
      }),
    );
  pass
    .command("show")
    .description("show a pass")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .requiredOption("--serial <serialNumber>")
    .option("--json", "print JSON (default)")
    .action(
      withDb(async (opts: { tenant: string; serial: string }) => {
        const pass = await showPass(opts.tenant, opts.serial);
        const { googlePassViewBySerial } = await import("@/server/wallet/google/objects");
        json({ ...pass, google: await googlePassViewBySerial(opts.tenant, opts.serial) });
      }),
    );
  pass
    .command("link")
    .description("print the pass's signed, expiring links: the Add to Wallet page (first line), the .pkpass file (second line) and, for a tenant with a Google Wallet issuer, the \"Save to Google Wallet\" link (third line)")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .requiredOption("--serial <serialNumber>")
    .option("--ttl <seconds>", "how long the links work (default: the tenant's passLinkTtlDays, 7 days unless changed)")
    .option("--json", "print { page, pkpass, expiresAt, googleSaveUrl } as JSON (googleSaveUrl when the tenant has a Google Wallet issuer)")
    .action(
      withDb(async (opts: { tenant: string; serial: string; ttl?: string; json?: boolean }) => {
        const ttlSeconds = opts.ttl === undefined ? undefined : Number(opts.ttl);
        const { passLinks } = await import("@/server/wallet/links"); // wallet modules load on use
        const links = await passLinks({ tenant: opts.tenant, serialNumber: opts.serial, ttlSeconds });
        const { googleSaveLink } = await import("@/server/wallet/google/objects");
        const google = await googleSaveLink({ tenant: opts.tenant, serialNumber: opts.serial });
        if (opts.json) json({ ...links, ...(google ? { googleSaveUrl: google.url } : {}) });
        else out([links.page, links.pkpass, ...(google ? [google.url] : [])].join("\n"));
      }),
    );
  pass
    .command("import")
    .description("issue passes to the customers of a CSV file (bulk enrolment, in the background by pass-import); waits for it, then writes the refused rows to a CSV file")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .requiredOption("--type <key>", "pass type key (basic, premium…)")
    .requiredOption("--csv <file>", "a header row naming the columns (email, phone, customerId, custom identifier keys, field keys), then one customer per row")
    .option("--errors <file>", "where to write the refused rows (row, column, reason) (default: <file>.errors.csv beside the file)")
    .option("--no-wait", "print the import's id and return once the file is stored")
    .option("--json", "print the import's progress (and, once finished, its refused rows) as JSON")
    .action(
      withDb(async (opts: { tenant: string; type: string; csv: string; errors?: string; wait: boolean; json?: boolean }) => {
        let p = await startPassImport({ tenant: opts.tenant, passType: opts.type, fileName: path.basename(opts.csv), file: createReadStream(opts.csv), actor: ACTOR });
        if (!opts.wait) {
          if (opts.json) json(p);
          else out(p.id);
          return;
        }
        if (!opts.json) process.stderr.write(`import ${p.id}: ${p.total.toLocaleString("en-US")} rows stored\n`);
        p = await waitForImport(p.id, !opts.json);
        const errorsFile = p.failed ? path.resolve(opts.errors ?? `${opts.csv.replace(/\.csv$/i, "")}.errors.csv`) : null;
        if (errorsFile) await pipeline(Readable.from(importErrorsCsv(p.id)), createWriteStream(errorsFile));
        if (opts.json) json({ ...p, errorsFile, errors: await listImportErrors(p.id) });
        else out(`${importLine(p)}${errorsFile ? `; refused rows in ${errorsFile}` : ""}`);
      }),
    );
}

/** One line of an import's progress: status, rows done / total, issued, existing, refused, rate. */
function importLine(p: ImportProgress): string {
  const eta = p.status === "RUNNING" && p.etaSeconds !== null ? `, about ${p.etaSeconds} s to go` : "";
  return (
    `import ${p.id} ${p.status.toLowerCase()}: ${p.done.toLocaleString("en-US")}/${p.total.toLocaleString("en-US")} rows (${p.percent} %), ` +
    `${p.issued.toLocaleString("en-US")} issued, ${p.existing.toLocaleString("en-US")} already had one, ${p.failed.toLocaleString("en-US")} refused` +
    `${p.rowsPerSecond === null ? "" : `, ${p.rowsPerSecond} rows/s`}${eta}${p.lastError ? ` (${p.lastError})` : ""}`
  );
}

/** Polls the import until it finishes (every 0.5 s), with a progress line on stderr every 2 s when `report`. */
async function waitForImport(importId: string, report: boolean): Promise<ImportProgress> {
  for (let i = 0; ; i++) {
    const p = (await getPassImport(importId))!;
    if (p.status === "SUCCEEDED" || p.status === "FAILED") return p;
    if (report && i % 4 === 0) process.stderr.write(`${importLine(p)}${p.status === "QUEUED" && i >= 20 ? " (waiting for the app to run it: npm run dev or npm start)" : ""}\n`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
