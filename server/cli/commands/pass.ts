/** CLI `pass`: issue, show and link passes. */
import type { Command } from "commander";
import { issuePass, showPass } from "@/server/passes/passes";
import { out, json, collect, pairs, withDb } from "../common";

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
}
