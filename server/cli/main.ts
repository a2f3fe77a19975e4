/**
 * Passflow operator CLI: `npm run --silent cli -- <command>`.
 *
 * Output is for scripts: a created key or serialNumber alone on stdout, `--json` for structured
 * results. Errors go to stderr as one line `error: …` with exit code 1 (usage errors: 2).
 * Without DATABASE_URL the CLI uses the embedded PostgreSQL under the data directory.
 */
import { formatCliError } from "./errors";

async function main(): Promise<number> {
  process.env.LOG_DESTINATION ??= "stderr"; // stdout is for results
  try {
    const { run } = await import("./program");
    return await run(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`error: ${formatCliError(err)}\n`);
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`error: ${String(err)}\n`);
    process.exit(1);
  },
);
