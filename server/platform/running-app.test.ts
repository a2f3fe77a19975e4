import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { runningDevServer } from "./running-app";

describe("runningDevServer", () => {
  it("names the npm run dev recorded in the data directory while its process lives, and nothing otherwise", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "passflow-dev-"));
    expect(runningDevServer(dir)).toBeUndefined();
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    writeFileSync(path.join(dir, "dev.json"), JSON.stringify({ pid: child.pid, port: 3100 }));
    expect(runningDevServer(dir)).toEqual({ pid: child.pid, port: 3100 });
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    expect(runningDevServer(dir)).toBeUndefined();
    writeFileSync(path.join(dir, "dev.json"), "not json");
    expect(runningDevServer(dir)).toBeUndefined();
  });
});
