/** Test helper: runs the real CLI in a child process, as an operator would. */
import { spawn } from "node:child_process";
import path from "node:path";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const TSX = path.resolve("node_modules/tsx/dist/cli.mjs");
const MAIN = path.resolve("server/cli/main.ts");

/**
 * `passflow <args>` with `input` on stdin and `env` over the test process environment.
 * `slowReader`: stdout goes through a pipe read only after a pause (`| (sleep 1; cat)`), as with
 * a slow consumer in a shell pipeline.
 */
export function runCli(args: string[], opts: { input?: string; env?: Record<string, string | undefined>; slowReader?: boolean } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
    const [command, commandArgs] = opts.slowReader
      ? ["bash", ["-o", "pipefail", "-c", `${[process.execPath, TSX, MAIN, ...args].map(quote).join(" ")} | (sleep 1; cat)`]]
      : [process.execPath, [TSX, MAIN, ...args]];
    const child = spawn(command, commandArgs as string[], {
      env: { ...process.env, ...opts.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.input ?? "");
  });
}

/** A slug no other test uses. */
export function uniqueSlug(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}
