/**
 * The CLI's program (commander): one command group per file in ./commands, each action calling
 * a `server/` function and printing its result.
 */
import { Command, CommanderError } from "commander";
import { env } from "@/server/platform/env";
import { formatCliError } from "./errors";
import { registerApiKeyCommands } from "./commands/apikey";
import { registerCertCommands } from "./commands/cert";
import { registerCustomerCommands } from "./commands/customer";
import { registerDbCommands } from "./commands/db";
import { registerPassCommands } from "./commands/pass";
import { registerPassTypeCommands } from "./commands/passtype";
import { registerStaffCommands } from "./commands/staff";
import { registerTaskCommands } from "./commands/task";
import { registerTenantCommands } from "./commands/tenant";

export function buildProgram(): Command {
  const program = new Command("passflow")
    .description("Passflow operator CLI")
    .showHelpAfterError()
    .exitOverride();
  for (const register of [registerDbCommands, registerTenantCommands, registerApiKeyCommands, registerStaffCommands, registerPassCommands, registerPassTypeCommands, registerCertCommands, registerTaskCommands, registerCustomerCommands]) {
    register(program);
  }
  return program;
}

/** Runs the CLI with `argv` (without node and script). Resolves with the exit code. */
export async function run(argv: string[]): Promise<number> {
  void env; // configuration is validated when this module loads
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed its message (usage errors) or help/version output
      return err.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(`error: ${formatCliError(err)}\n`);
    return 1;
  }
}
