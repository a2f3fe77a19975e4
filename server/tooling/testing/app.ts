/**
 * Test helper: runs the real Next.js app in a child process on a free port, as `npm run dev`
 * (`next dev`, build folder `.next-test`) or, with PASSFLOW_TEST_SERVER=start, from the
 * production build (`next start`, as CI does after `npm run build`; with `workers`, through
 * `npm start`'s server/start.ts, PASSFLOW_WORKERS processes on the port).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export interface RunningApp {
  url: string;
  port: number;
  child: ChildProcess;
  logFile: string;
  /** Every process of the app (its process group: `next dev`'s server, `npm start`'s workers); Linux only. */
  pids(): number[];
  /** SIGTERM and wait. */
  stop(): Promise<void>;
  /** SIGKILL and wait (crash tests). */
  kill(): Promise<void>;
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once("exit", () => r()));
}

/** Process groups of apps still running, killed if the test process exits without stopping them. */
const running = new Set<number>();
process.once("exit", () => {
  for (const pid of running) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

/**
 * Signals the app's whole process group (`next dev` serves from a child process of its own, which
 * would outlive a signal to the parent alone) and waits until every process in it has exited.
 */
async function signalGroup(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const groupAlive = () => {
    try {
      process.kill(-child.pid!, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (groupAlive()) process.kill(-child.pid!, signal);
  await exited(child);
  const deadline = Date.now() + 30_000;
  while (groupAlive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (groupAlive()) process.kill(-child.pid!, "SIGKILL");
  running.delete(child.pid!);
}

/** The processes whose process group is `pgid` (Linux /proc; empty elsewhere). */
function groupPids(pgid: number): number[] {
  const pids: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return pids;
  }
  for (const entry of entries) {
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]!.split(" ");
      if (Number(fields[2]) === pgid) pids.push(Number(entry)); // field 5 of stat: pgrp
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/**
 * Starts the app. `nodeArgs` go to node before Next.js's own (e.g. `--cpu-prof`; with `workers`,
 * to server/start.ts, which gives them to every app process). `name` picks the dev build folder (`.next-test/<name>`):
 * two `next dev` processes cannot share one, so extra instances in a test get their own.
 * `workers` runs server/start.ts (`npm start`) with PASSFLOW_WORKERS=workers; it needs a production
 * build (PASSFLOW_TEST_SERVER=start).
 */
export async function startApp(
  opts: { env?: Record<string, string | undefined>; port?: number; name?: string; nodeArgs?: string[]; workers?: number } = {},
): Promise<RunningApp> {
  const port = opts.port ?? (await freePort());
  const mode = process.env.PASSFLOW_TEST_SERVER === "start" ? "start" : "dev";
  if (opts.workers !== undefined && mode !== "start") throw new Error("startApp: workers needs a production build (PASSFLOW_TEST_SERVER=start); next dev runs one process");
  const nextBin = path.resolve("node_modules/next/dist/bin/next");
  const logFile = path.join(mkdtempSync(path.join(tmpdir(), "passflow-app-")), "app.log");
  const log = createWriteStream(logFile);
  const url = `http://127.0.0.1:${port}`;
  const distDir = `.next-test/${opts.name ?? `p${port}`}`;
  const tsconfig = `${distDir}.tsconfig.json`;
  if (mode === "dev") {
    mkdirSync(".next-test", { recursive: true });
    writeFileSync(tsconfig, JSON.stringify({ extends: "../tsconfig.json" }));
  }
  const serverArgs = ["--port", String(port), "--hostname", "127.0.0.1"];
  const argv = opts.workers !== undefined ? [...(opts.nodeArgs ?? []), "--import", "tsx", path.resolve("server/start.ts"), ...serverArgs] : [...(opts.nodeArgs ?? []), nextBin, mode, ...serverArgs];
  const child = spawn(process.execPath, argv, {
    env: {
      ...process.env,
      ...(opts.workers !== undefined && { PASSFLOW_WORKERS: String(opts.workers) }),
      NEXT_DIST_DIR: mode === "dev" ? distDir : undefined,
      NEXT_TSCONFIG_PATH: mode === "dev" ? tsconfig : undefined,
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      PUBLIC_URL: url,
      NEXTAUTH_URL: url,
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group, so stop() and kill() reach every process of the app
  });
  running.add(child.pid!);
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  if (child.exitCode !== null || Date.now() >= deadline) {
    await signalGroup(child, "SIGKILL");
    throw new Error(`app did not start (${mode}); log:\n${readFileSync(logFile, "utf8").slice(-4000)}`);
  }
  return {
    url,
    port,
    child,
    logFile,
    pids: () => groupPids(child.pid!),
    stop: () => signalGroup(child, "SIGTERM"),
    kill: () => signalGroup(child, "SIGKILL"),
  };
}
