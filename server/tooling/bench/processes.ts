/**
 * What the benchmarks share about the app's processes: how many to run (BENCH_WORKERS) and the
 * CPU time they use (Linux /proc).
 */
import { readFileSync } from "node:fs";

/**
 * The process counts to run the app with, from BENCH_WORKERS (a comma-separated list, e.g.
 * `1,2`; default `1`). Each runs as `npm start` does (server/start.ts with PASSFLOW_WORKERS).
 */
export function benchWorkers(): number[] {
  const raw = (process.env.BENCH_WORKERS ?? "1").split(",").map((w) => w.trim()).filter(Boolean);
  const counts = raw.map(Number);
  if (counts.length === 0 || counts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`BENCH_WORKERS must be whole numbers ≥ 1, comma-separated (got ${process.env.BENCH_WORKERS})`);
  return counts;
}

/** CPU time used so far by process `pid` (user + system, all threads), in ms; NaN off Linux or once it is gone. */
export function processCpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return NaN;
  }
}

/** CPU time of each of `pids` so far, in ms. */
export function cpuByPid(pids: number[]): Map<number, number> {
  return new Map(pids.map((pid) => [pid, processCpuMs(pid)]));
}

/**
 * CPU time used since `before` (from cpuByPid) by those processes: their sum, and the busiest
 * one's (with several app processes, the embedded executor's process runs every function).
 */
export function cpuSince(before: Map<number, number>): { total: number; busiest: number } {
  const used = [...before].map(([pid, ms]) => processCpuMs(pid) - ms).filter((ms) => !Number.isNaN(ms));
  return { total: used.reduce((a, b) => a + b, 0), busiest: Math.max(0, ...used) };
}
