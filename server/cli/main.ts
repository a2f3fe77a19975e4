/**
 * Passflow operator CLI: `npm run --silent cli -- <command>`.
 *
 * Output is for scripts: a created key or serialNumber alone on stdout, `--json` for structured
 * results. Errors go to stderr as one line `error: …` with exit code 1 (usage errors: 2).
 * Without DATABASE_URL the CLI uses the embedded PostgreSQL under the data directory. Without
 * PORT it reaches the `npm run dev` running on that data directory at its port (else 3000).
 */
import path from "node:path";
import { formatCliError } from "./errors";
import { DEFAULT_DATA_DIR } from "@/server/platform/data-dir-default";

async function main(): Promise<number> {
  process.env.LOG_DESTINATION ??= "stderr"; // stdout is for results
  try {
    if (!process.env.PORT) {
      // talk to the `npm run dev` running on this data directory, on whatever port it was given
      // (events of `task replay`, links of `pass link`); env.ts reads PORT once, so set it first
      const { runningDevServer } = await import("@/server/platform/running-app");
      const dev = runningDevServer(path.resolve(process.env.PASSFLOW_DATA_DIR || DEFAULT_DATA_DIR));
      if (dev) process.env.PORT = String(dev.port);
    }
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
