/** `npm run dev` refuses to start a second time on one data directory, before changing anything. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";

it("exits with one line naming the running one, leaving the data directory as it was", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "passflow-dev-"));
  try {
    // this test process stands in for the npm run dev that already runs
    writeFileSync(path.join(dir, "dev.json"), JSON.stringify({ pid: process.pid, port: 3000 }));
    const env: NodeJS.ProcessEnv = { ...process.env, PASSFLOW_DATA_DIR: dir, PORT: "3199" };
    delete env.DATABASE_URL;
    const r = spawnSync(process.execPath, [path.resolve("node_modules/tsx/dist/cli.mjs"), "server/tooling/dev/main.ts"], { env, encoding: "utf8", timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`error: npm run dev already runs for ${dir} (pid ${process.pid}, port 3000); stop it first, or use another PASSFLOW_DATA_DIR\n`);
    expect(readdirSync(dir)).toEqual(["dev.json"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 90_000);
