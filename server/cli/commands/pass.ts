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
    .option("--json", "print { serialNumber, created } as JSON")
    .action(
      withDb(async (opts: { tenant: string; type: string; email?: string; phone?: string; customerId?: string; identifier: string[]; json?: boolean }) => {
        const r = await issuePass({
          tenant: opts.tenant,
          passType: opts.type,
          identifiers: { ...pairs(opts.identifier), email: opts.email, phone: opts.phone, customerId: opts.customerId },
        });
        if (opts.json) json(r);
        else out(r.serialNumber);
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
        json(await showPass(opts.tenant, opts.serial));
      }),
    );
  pass
    .command("link")
    .description("print the pass's signed, expiring links: the Add to Wallet page (first line) and the .pkpass file (second line)")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .requiredOption("--serial <serialNumber>")
    .option("--ttl <seconds>", "how long the links work (default: the tenant's passLinkTtlDays, 7 days unless changed)")
    .option("--json", "print { page, pkpass, expiresAt } as JSON")
    .action(
      withDb(async (opts: { tenant: string; serial: string; ttl?: string; json?: boolean }) => {
        const ttlSeconds = opts.ttl === undefined ? undefined : Number(opts.ttl);
        const { passLinks } = await import("@/server/wallet/links"); // wallet modules load on use
        const links = await passLinks({ tenant: opts.tenant, serialNumber: opts.serial, ttlSeconds });
        if (opts.json) json(links);
        else out(`${links.page}\n${links.pkpass}`);
      }),
    );
}
