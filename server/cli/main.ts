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

/** Exits once stdout and stderr are flushed: piped output is written asynchronously, and exiting earlier cut it at 64 KiB. */
async function exit(code: number): Promise<never> {
  await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((resolve) => s.write("", () => resolve()))));
  process.exit(code);
}

main().then(exit, (err) => {
  process.stderr.write(`error: ${String(err)}\n`);
  return exit(1);
});
