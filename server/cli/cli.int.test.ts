import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runCli, uniqueSlug } from "@/server/tooling/testing/cli";
import { db } from "../db/client";
import { hashToken } from "@/server/platform/crypto";
import { verifyPassword } from "@/server/staff/staff";
import { createTask, pushUpdateInput, testTenant } from "@/server/tooling/testing/tasks";

describe("cli: tenants", () => {
  it("creates a tenant with the starter pass types, Klaviyo on and region US", async () => {
    const slug = uniqueSlug("t");
    const r = await runCli(["tenant", "create", slug, "--name", "Acme Inc", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const created = JSON.parse(r.stdout);
    expect(created).toMatchObject({ slug, name: "Acme Inc", status: "ACTIVE", klaviyoEnabled: true, defaultPhoneRegion: "US" });
    const types = await db().passType.findMany({ where: { tenant: { slug } }, orderBy: { key: "asc" } });
    expect(types.map((t) => t.key)).toEqual(["basic", "premium"]);
    expect(types[0]!.passTypeIdentifier).toBe(`pass.dev.passflow.${slug}`);
    expect((types[0]!.fields as { key: string; type: string }[]).find((f) => f.key === "points")?.type).toBe("number");

    const list = await runCli(["tenant", "list", "--json"]);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).map((t: { slug: string }) => t.slug)).toContain(slug);
  });

  it("refuses a duplicate slug and a malformed slug with one line and exit 1", async () => {
    const slug = uniqueSlug("dup");
    expect((await runCli(["tenant", "create", slug, "--name", "One"])).stdout.trim()).toBe(slug);
    const again = await runCli(["tenant", "create", slug, "--name", "Two"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`error: tenant ${slug} already exists\n`);
    const bad = await runCli(["tenant", "create", "Not A Slug", "--name", "x"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: slug lower-case letters/);
    expect(bad.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    const reserved = await runCli(["tenant", "create", "console", "--name", "x"]);
    expect(reserved.code).toBe(1);
    expect(reserved.stderr).toBe("error: slug is reserved for Passflow's own /api routes\n");
  });

  it("exits 2 on a usage error", async () => {
    const r = await runCli(["tenant", "create", "--name", "x"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing required argument 'slug'/);
    for (const limit of ["abc", "0", "-1"]) {
      const bad = await runCli(["task", "list", "--limit", limit]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/argument '-?\w+' is invalid\. must be a whole number from 1 to 1000/);
    }
    const status = await runCli(["task", "list", "--status", "BOGUS"]);
    expect(status.code).toBe(2);
    expect(status.stderr).toMatch(/argument 'BOGUS' is invalid\. must be one of QUEUED, RUNNING, SUCCEEDED, FAILED/);
    expect((await runCli(["task", "replay", "--filter", "--kind", "PASS-UPDATE"])).code).toBe(2);
  });
});

describe("cli: tenant retention", () => {
  it("sets retention days and raw-body days, shows them, and refuses raw-body days above retention days", async () => {
    const slug = uniqueSlug("ret");
    await runCli(["tenant", "create", slug, "--name", "Retention"]);
    const defaults = await runCli(["tenant", "update", slug, "--json"]);
    expect(JSON.parse(defaults.stdout)).toMatchObject({ retentionDays: 90, rawBodyRetentionDays: 30 });

    const set = await runCli(["tenant", "update", slug, "--retention-days", "60", "--raw-body-days", "14", "--json"]);
    expect(set.stderr).toBe("");
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ slug, retentionDays: 60, rawBodyRetentionDays: 14 });
    expect(await db().tenant.findUniqueOrThrow({ where: { slug }, select: { retentionDays: true, rawBodyRetentionDays: true } })).toEqual({ retentionDays: 60, rawBodyRetentionDays: 14 });
    // a later update that names neither keeps them
    expect(JSON.parse((await runCli(["tenant", "update", slug, "--tenant-rpm", "100", "--json"])).stdout)).toMatchObject({ retentionDays: 60, rawBodyRetentionDays: 14 });

    // raw-body days above retention days, given together or against the stored value: one line, exit 1, nothing changed
    for (const args of [["--retention-days", "20", "--raw-body-days", "21"], ["--raw-body-days", "61"], ["--retention-days", "13"]]) {
      const bad = await runCli(["tenant", "update", slug, ...args]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toBe("error: rawBodyRetentionDays must not be more than retentionDays\n");
    }
    const zero = await runCli(["tenant", "update", slug, "--retention-days", "0"]);
    expect(zero.code).toBe(1);
    expect(zero.stderr).toMatch(/^error: retentionDays /);
    expect(await db().tenant.findUniqueOrThrow({ where: { slug }, select: { retentionDays: true, rawBodyRetentionDays: true } })).toEqual({ retentionDays: 60, rawBodyRetentionDays: 14 });
  });
});

describe("cli: API keys", () => {
  it("prints the key alone, stores only its hash, and revokes by prefix", async () => {
    const slug = uniqueSlug("k");
    await runCli(["tenant", "create", slug, "--name", "Keys"]);
    const r = await runCli(["apikey", "create", "--tenant", slug, "--scope", "KlaviyoListener.Write", "--name", "flow"]);
    expect(r.code).toBe(0);
    const key = r.stdout.trim();
    expect(r.stdout).toBe(key + "\n");
    expect(key).toMatch(/^pf_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    const prefix = key.slice(0, 11);
    const row = await db().apiKey.findUniqueOrThrow({ where: { prefix } });
    expect(row.hash).toBe(hashToken(key));
    expect(row.scopes).toEqual(["KlaviyoListener.Write"]);
    expect(JSON.stringify(row)).not.toContain(key.slice(12));

    const revoke = await runCli(["apikey", "revoke", prefix]);
    expect(revoke.code).toBe(0);
    expect((await db().apiKey.findUniqueOrThrow({ where: { prefix } })).revokedAt).toBeInstanceOf(Date);
    const audit = await db().auditLog.findMany({ where: { targetId: row.id }, orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["apikey.create", "apikey.revoke"]);
  });

  it("rejects an unknown scope, an unknown tenant and an unknown prefix", async () => {
    const slug = uniqueSlug("k2");
    await runCli(["tenant", "create", slug, "--name", "Keys"]);
    const scope = await runCli(["apikey", "create", "--tenant", slug, "--scope", "Admin.Everything"]);
    expect(scope.code).toBe(1);
    expect(scope.stderr).toMatch(/unknown scope Admin\.Everything/);
    const tenant = await runCli(["apikey", "create", "--tenant", "no-such-tenant"]);
    expect(tenant.stderr).toBe('error: no tenant "no-such-tenant"\n');
    const revoke = await runCli(["apikey", "revoke", "pf_00000000"]);
    expect(revoke.code).toBe(1);
    // a whole key pasted by mistake: revoked by its prefix, and its secret part is never echoed
    const created = (await runCli(["apikey", "create", "--tenant", slug, "--scope", "KlaviyoListener.Write"])).stdout.trim();
    const byKey = await runCli(["apikey", "revoke", created]);
    expect(byKey).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`^revoked ${created.slice(0, 11)} at `)) });
    const unknown = `pf_zzzzzzzz_${"S".repeat(43)}`;
    const notFound = await runCli(["apikey", "revoke", unknown]);
    expect(notFound).toMatchObject({ code: 1, stderr: 'error: no API key "pf_zzzzzzzz"\n' });
  });
});

describe("cli: staff", () => {
  it("creates staff with an argon2id hash of the password from stdin", async () => {
    const email = `${uniqueSlug("op")}@example.com`;
    const r = await runCli(["staff", "create", "--email", email, "--role", "OPERATOR", "--password-stdin", "--json"], {
      input: "correct horse battery\n",
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ email, role: "OPERATOR" });
    const user = await db().staffUser.findUniqueOrThrow({ where: { email } });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(user.passwordHash!, "correct horse battery")).toBe(true);
    expect(await verifyPassword(user.passwordHash!, "correct horse battery\n")).toBe(false);
  });

  it("rejects a bad role and a short password", async () => {
    const role = await runCli(["staff", "create", "--email", "x@example.com", "--role", "ROOT", "--password-stdin"], { input: "long enough password" });
    expect(role.stderr).toMatch(/role must be one of ADMIN, OPERATOR, VIEWER/);
    const short = await runCli(["staff", "create", "--email", "y@example.com", "--role", "VIEWER", "--password-stdin"], { input: "short" });
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/at least 12 characters/);
  });
});

describe("cli: passes", () => {
  it("reaches the npm run dev running on its data directory at that one's port when PORT is unset", async () => {
    const slug = uniqueSlug("lk");
    await runCli(["tenant", "create", slug, "--name", "Link Shop"]);
    const serial = (await runCli(["pass", "issue", "--tenant", slug, "--type", "basic", "--email", "link@example.com"])).stdout.trim();
    const dir = mkdtempSync(path.join(tmpdir(), "passflow-cli-"));
    const env = { PASSFLOW_DATA_DIR: dir, PORT: undefined, PUBLIC_URL: undefined };
    const link = () => runCli(["pass", "link", "--tenant", slug, "--serial", serial], { env });
    expect((await link()).stdout).toMatch(/^http:\/\/localhost:3000\//);
    writeFileSync(path.join(dir, "dev.json"), JSON.stringify({ pid: process.pid, port: 3177 })); // this live process plays npm run dev
    expect((await link()).stdout).toMatch(/^http:\/\/localhost:3177\//);
    expect((await runCli(["pass", "link", "--tenant", slug, "--serial", serial], { env: { ...env, PORT: "3188" } })).stdout).toMatch(/^http:\/\/localhost:3188\//);
  });

  it("issues a pass to a new customer with normalized identifiers and shows it", async () => {
    const slug = uniqueSlug("p");
    await runCli(["tenant", "create", slug, "--name", "Pass Shop", "--custom-identifier", "loyaltyNumber"]);
    const issue = await runCli([
      "pass", "issue", "--tenant", slug, "--type", "premium",
      "--email", " Jane.Doe@Example.COM ", "--phone", "(415) 555-0100", "--customer-id", "C-1", "--identifier", "loyaltyNumber=LN-1",
    ]);
    expect(issue.stderr).toBe("");
    const serial = issue.stdout.trim();
    expect(serial).toMatch(/^[0-9a-f-]{36}$/);

    const show = await runCli(["pass", "show", "--tenant", slug, "--serial", serial, "--json"]);
    expect(show.code).toBe(0);
    const pass = JSON.parse(show.stdout);
    expect(pass).toMatchObject({
      serialNumber: serial,
      passType: "premium",
      passTypeIdentifier: `pass.dev.passflow.${slug}`,
      customer: { email: "jane.doe@example.com", phone: "+14155550100", customerId: "C-1", custom: { loyaltyNumber: "LN-1" } },
      data: { points: 0, tier: "Member" },
      voided: false,
    });
    expect(pass.authenticationToken.length).toBeGreaterThanOrEqual(16);
    expect(pass.versionTag).toMatch(/^\d+$/);
    expect(pass.metadata.layout.primaryFields).toEqual(["points"]);
    const row = await db().pass.findUniqueOrThrow({ where: { serialNumber: serial } });
    expect(row.authenticationTokenEncrypted).not.toContain(pass.authenticationToken);

    // the same customer found by another identifier in another format: the same pass
    const again = await runCli(["pass", "issue", "--tenant", slug, "--type", "premium", "--phone", "+1 415-555-0100"]);
    expect(again.stdout.trim()).toBe(serial);
  });

  it("refuses identifiers that point at two customers, and an unknown pass type", async () => {
    const slug = uniqueSlug("pc");
    await runCli(["tenant", "create", slug, "--name", "Conflicts"]);
    await runCli(["pass", "issue", "--tenant", slug, "--type", "basic", "--email", "a@example.com"]);
    await runCli(["pass", "issue", "--tenant", slug, "--type", "basic", "--email", "b@example.com", "--phone", "4155550111"]);
    const conflict = await runCli(["pass", "issue", "--tenant", slug, "--type", "basic", "--email", "a@example.com", "--phone", "415 555 0111"]);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toMatch(/^error: identifiers match 2 different customers/);
    // a new email with b's phone is not b: no pass of b's is handed out
    const stranger = await runCli(["pass", "issue", "--tenant", slug, "--type", "basic", "--email", "new@example.com", "--phone", "(415) 555-0111"]);
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toMatch(/^error: identifiers.email new@example.com does not match customer .*, whose email is b@example.com\n$/);
    const type = await runCli(["pass", "issue", "--tenant", slug, "--type", "gold", "--email", "a@example.com"]);
    expect(type.stderr).toMatch(/has no pass type "gold"/);
    const phone = await runCli(["pass", "issue", "--tenant", slug, "--type", "basic", "--phone", "12"]);
    expect(phone.stderr).toMatch(/not a phone number/);
    const unknownKey = await runCli(["pass", "issue", "--tenant", slug, "--type", "basic", "--email", "c@example.com", "--identifier", "bogusKey=1"]);
    expect(unknownKey).toMatchObject({ code: 1, stdout: "", stderr: `error: unknown identifier bogusKey; tenant ${slug}'s custom identifier keys: none\n` });
  });
});

describe("cli: database", () => {
  it("db migrate is idempotent and db seed creates the demo tenant once", async () => {
    const m = await runCli(["db", "migrate"]);
    expect(m.code).toBe(0);
    expect(m.stdout).toBe("database is up to date\n");
    await db().tenant.deleteMany({ where: { slug: "demo" } });
    const first = JSON.parse((await runCli(["db", "seed", "--json"])).stdout);
    expect(first.created).toBe(true);
    expect(first.passes).toHaveLength(3);
    const jane = await db().customer.findFirstOrThrow({ where: { tenant: { slug: "demo" }, email: "jane.doe@example.com" }, include: { identifiers: true } });
    expect(jane).toMatchObject({ phone: "+14155550100", customerId: "CUST-000042" });
    expect(jane.identifiers.map((i) => `${i.key}=${i.value}`)).toEqual(["loyaltyNumber=LN-88-1207"]);
    const second = JSON.parse((await runCli(["db", "seed", "--json"])).stdout);
    expect(second).toMatchObject({ created: false, passes: first.passes });
  });

  it("bad configuration gives one line naming the variable and exit 1", async () => {
    const r = await runCli(["tenant", "list"], { env: { DATABASE_URL: "mysql://root@localhost/x" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: invalid configuration: DATABASE_URL: must be a postgres:// or postgresql:// URL\n");
    const pool = await runCli(["tenant", "list"], { env: { DATABASE_POOL_SIZE: "lots" } });
    expect(pool.stderr).toMatch(/^error: invalid configuration: DATABASE_POOL_SIZE: /);
  });

  it("an empty variable takes its default; a wrong one says what it must be", async () => {
    const empty = await runCli(["tenant", "list", "--json"], { env: { PORT: "", DATABASE_POOL_SIZE: "", LOG_LEVEL: "" } });
    expect(empty.stderr).toBe("");
    expect(empty.code).toBe(0);
    expect(Array.isArray(JSON.parse(empty.stdout))).toBe(true);
    const port = await runCli(["tenant", "list"], { env: { PORT: "http" } });
    expect(port.code).toBe(1);
    expect(port.stderr).toBe("error: invalid configuration: PORT: must be a port number 1-65535\n");
  });

  it("refuses an http:// PUBLIC_URL with NODE_ENV=production in one line", async () => {
    const production = { NODE_ENV: "production", PASSFLOW_ENCRYPTION_KEY: "a".repeat(64), NEXTAUTH_SECRET: "s3cret" };
    const r = await runCli(["tenant", "list"], { env: { ...production, PUBLIC_URL: "http://passflow.example.com" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: invalid configuration: PUBLIC_URL: must be an https:// URL when NODE_ENV=production (Apple Wallet refuses an http:// webServiceURL)\n");
    const ok = await runCli(["tenant", "list", "--json"], { env: { ...production, PUBLIC_URL: "https://passflow.example.com" } });
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
  });

  it("an unreachable database gives one line and exit 1, with the password masked", async () => {
    const url = "postgres://postgres:hunter2@127.0.0.1:1/passflow";
    const r = await runCli(["tenant", "list"], { env: { DATABASE_URL: url } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: database unreachable at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/passflow( \(ECONNREFUSED\))?\n$/);
    const m = await runCli(["db", "migrate"], { env: { DATABASE_URL: url } });
    expect(m.code).toBe(1);
    expect(m.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    expect(m.stderr).not.toContain("hunter2");
  });
});

describe("cli: embedded default", () => {
  it("without DATABASE_URL keeps data in the data directory across runs", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "passflow-embedded-"));
    try {
      const env = { DATABASE_URL: undefined, PASSFLOW_DATA_DIR: dir };
      const created = await runCli(["tenant", "create", "embedded-shop", "--name", "Embedded"], { env });
      expect(created.stderr).toBe("");
      expect(created.stdout).toBe("embedded-shop\n");
      const listed = await runCli(["tenant", "list", "--json"], { env });
      expect(JSON.parse(listed.stdout).map((t: { slug: string }) => t.slug)).toEqual(["embedded-shop"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("cli: output", () => {
  it("writes piped --json output whole, however long (it was cut at 64 KiB)", async () => {
    const tenant = await testTenant();
    for (let i = 0; i < 300; i += 10) {
      await Promise.all(Array.from({ length: 10 }, (_, j) => createTask(tenant.id, "PASS_UPDATE", pushUpdateInput({ identifiers: { email: `out-${i + j}@example.com` } }), { dispatch: false })));
    }
    const listed = await runCli(["task", "list", "--tenant", tenant.slug, "--limit", "500", "--json"], { slowReader: true });
    expect(listed.code).toBe(0);
    expect(listed.stdout.length).toBeGreaterThan(100_000);
    const rows = JSON.parse(listed.stdout) as unknown[] | { items: unknown[] };
    expect(Array.isArray(rows) ? rows : rows.items).toHaveLength(300);
  });
});
