/** CLI `customer`: erase a customer's personal data. */
import type { Command } from "commander";
import { eraseCustomer } from "@/server/customers/erasure";
import { ACTOR, json, out, withDb } from "../common";

export function registerCustomerCommands(program: Command): void {
  const customer = program.command("customer").description("customers");
  customer
    .command("erase")
    .description("erase a customer's personal data (passes voided and pushed, tasks and receipts anonymised); prints the counts")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .option("--email <email>")
    .option("--phone <phone>", "any format; read with the tenant's default region")
    .option("--customer-id <id>", "the merchant's customer id")
    .option("--json", "print { customerRecordId, tenant, counts, erasedAt, correlationId, pushed } as JSON")
    .action(
      withDb(async (opts: { tenant: string; email?: string; phone?: string; customerId?: string; json?: boolean }) => {
        const r = await eraseCustomer({ tenant: opts.tenant, email: opts.email, phone: opts.phone, customerId: opts.customerId, actor: ACTOR });
        if (opts.json) json(r);
        else out(`erased customer ${r.customerRecordId}: ${Object.entries(r.counts).map(([k, n]) => `${n} ${k}`).join(", ")}`);
      }),
    );
}
