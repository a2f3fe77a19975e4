/**
 * What `npm run dev` writes before Next.js starts (server/tooling/dev/demo-access.ts), on a fresh
 * database of its own and in a process of its own, as `npm run dev` runs it.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { scratchDatabase, type ScratchDatabase } from "@/server/tooling/testing/scratch-db";
import { verifyPassword } from "@/server/staff/staff";

let scratch: ScratchDatabase;
beforeAll(async () => {
  scratch = await scratchDatabase();
}, 120_000);
afterAll(() => scratch?.drop());

/**
 * Runs the seeding as `npm run dev` does, in a child process. Asynchronously: on the embedded
 * database the PostgreSQL server is this test process, which must keep answering meanwhile.
 */
async function devSeed(): Promise<{ email: string; password: string }> {
  // tsx loads the TypeScript module as CommonJS: its exports may sit under `default`
  const script = `import("./server/tooling/dev/demo-access.ts").then(async (m) => { const a = await (m.seedForDevelopment ?? m.default.seedForDevelopment)(); console.log(JSON.stringify(a)); process.exit(0); })`;
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [path.resolve("node_modules/tsx/dist/cli.mjs"), "-e", script], {
    env: { ...process.env, DATABASE_URL: scratch.url, LOG_LEVEL: "warn" },
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(stderr).toBe("");
  return JSON.parse(stdout.trim().split("\n").pop()!);
}

async function query<T>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: scratch.url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}
const staffAudit = () => query<{ actor: string; action: string }>(`SELECT actor, action FROM "AuditLog" WHERE "targetType" = 'StaffUser' ORDER BY "createdAt"`);
/** True when `password` is the demo admin's password now (the login npm run dev prints works). */
const signsIn = async (password: string) => {
  const [row] = await query<{ passwordHash: string }>(`SELECT "passwordHash" FROM "StaffUser" WHERE email = 'admin@demo.passflow.dev'`);
  return verifyPassword(row!.passwordHash, password);
};

it("a first npm run dev writes one staff.upsert audit row for the demo admin; each later start one more (its new password)", async () => {
  const first = await devSeed();
  expect(first.email).toBe("admin@demo.passflow.dev");
  expect(first.password.length).toBeGreaterThanOrEqual(12);
  expect(await staffAudit()).toEqual([{ actor: "system", action: "staff.upsert" }]);
  expect(await signsIn(first.password)).toBe(true);
  const second = await devSeed();
  expect(second.password).not.toBe(first.password);
  expect(await signsIn(second.password)).toBe(true);
  expect(await signsIn(first.password)).toBe(false);
  expect(await staffAudit()).toEqual([
    { actor: "system", action: "staff.upsert" },
    { actor: "system", action: "staff.upsert" },
  ]);
}, 120_000);
