/**
 * The `npm run dev` running on a data directory: it holds `<data dir>/dev.json` ({ pid, port })
 * while it runs (server/dev/main.ts), so a second one refuses to start and the CLI finds the app
 * to send its events to.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { pidAlive } from "./pid";

export interface DevServer {
  pid: number;
  port: number;
}

/** The lock file of `npm run dev` in `dir`. */
export function devLockFile(dir: string): string {
  return path.join(dir, "dev.json");
}

/** The `npm run dev` recorded in `dir` if its process still lives (a stale file is ignored). */
export function runningDevServer(dir: string): DevServer | undefined {
  try {
    const holder = JSON.parse(readFileSync(devLockFile(dir), "utf8")) as Partial<DevServer>;
    if (typeof holder.pid === "number" && typeof holder.port === "number" && pidAlive(holder.pid)) return { pid: holder.pid, port: holder.port };
  } catch {
    // none, or unreadable
  }
  return undefined;
}
