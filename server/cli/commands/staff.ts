/** CLI `staff`: console staff accounts. */
import type { Command } from "commander";
import { DomainError } from "@/server/platform/errors";
import { createStaff } from "@/server/staff/staff";
import { ACTOR, out, json, readStdin, withDb } from "../common";

export function registerStaffCommands(program: Command): void {
  program
    .command("staff")
    .description("console staff")
    .command("create")
    .description("create a staff user; the password is read from standard input")
    .requiredOption("--email <email>", "login email")
    .requiredOption("--role <role>", "ADMIN, OPERATOR or VIEWER")
    .option("--name <name>", "display name")
    .option("--password-stdin", "read the password from standard input (required)")
    .option("--json", "print the user as JSON")
    .action(
      withDb(async (opts: { email: string; role: string; name?: string; passwordStdin?: boolean; json?: boolean }) => {
        if (!opts.passwordStdin) throw new DomainError("invalid_input", "give --password-stdin and pipe the password in", "password");
        const user = await createStaff({ email: opts.email, role: opts.role.toUpperCase(), name: opts.name, password: await readStdin(), actor: ACTOR });
        if (opts.json) json(user);
        else out(user.id);
      }),
    );
}
