/**
 * The CLI's commands (commander). Each action calls a `server/` function and prints its result.
 */
import { readFile } from "node:fs/promises";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { env } from "@/server/platform/env";
import { DomainError } from "@/server/platform/errors";
import { resolveDatabase, type ResolvedDatabase } from "../db/url";
import { closeDb, db } from "../db/client";
import { migrateDeploy, pendingMigrations } from "../db/migrate";
import { seedDemo } from "@/server/tooling/seed";
import { createTenant, describeTenantSettings, listTenants, updateTenantSettings } from "../tenants/tenants";
import { createApiKey, revokeApiKey, KLAVIYO_LISTENER_SCOPE } from "../tenants/api-keys";
import { createStaff } from "@/server/staff/staff";
import { issuePass, showPass } from "../passes/passes";
import { listTasks, showTask } from "../tasks/queries";
import { replayTask, replayTasks } from "../tasks/replay";
import type { SyncTaskKind, SyncTaskStatus } from "@prisma/client";
import { formatCliError } from "./errors";

const ACTOR = "cli";

function out(line: string) {
  process.stdout.write(line + "\n");
}

function json(value: unknown) {
  out(JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2));
}

async function readStdin(flag = "--password-stdin"): Promise<string> {
  if (process.stdin.isTTY) throw new DomainError("invalid_input", `${flag} expects the secret on standard input`, flag.replace(/^--|-stdin$/g, ""));
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Parses `key=value` pairs given with --identifier. */
function pairs(list: string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const item of list) {
    const i = item.indexOf("=");
    if (i <= 0) throw new DomainError("invalid_input", `--identifier expects key=value, got ${JSON.stringify(item)}`, "identifier");
    result[item.slice(0, i)] = item.slice(i + 1);
  }
  return result;
}

/**
 * Opens the database for a command. The embedded database is migrated on first use; a real
 * server must be migrated explicitly (`db migrate`) and is refused while migrations are pending.
 */
async function openDatabase(): Promise<ResolvedDatabase> {
  const resolved = await resolveDatabase();
  const pending = await pendingMigrations(db());
  if (pending.length) {
    if (resolved.embedded) await migrateDeploy(resolved.url);
    else throw new DomainError("invalid_input", `database has ${pending.length} pending migration(s): run \`npm run db:migrate\``);
  }
  return resolved;
}

function withDb<A extends unknown[]>(action: (...args: A) => Promise<void>, opts: { migrate?: boolean } = {}) {
  return async (...args: A) => {
    const resolved = opts.migrate === false ? await resolveDatabase() : await openDatabase();
    try {
      await action(...args);
    } finally {
      await closeDb();
      await resolved.release();
    }
  };
}

export function buildProgram(): Command {
  const program = new Command("passflow")
    .description("Passflow operator CLI")
    .showHelpAfterError()
    .exitOverride();

  const dbCmd = program.command("db").description("database");
  dbCmd
    .command("migrate")
    .description("apply pending migrations (idempotent)")
    .option("--json", "print a JSON summary")
    .action(
      withDb(
        async (opts: { json?: boolean }) => {
          const applied = await migrateDeploy(process.env.DATABASE_URL!);
          if (opts.json) json({ applied });
          else out(applied.length ? `applied ${applied.length} migration(s): ${applied.join(", ")}` : "database is up to date");
        },
        { migrate: false },
      ),
    );
  dbCmd
    .command("seed")
    .description("create the demo tenant, its staff admin, customers and passes (if absent)")
    .option("--json", "print a JSON summary")
    .action(
      withDb(async (opts: { json?: boolean }) => {
        const result = await seedDemo({ actor: ACTOR });
        if (opts.json) json(result);
        else if (result.created) out(`seeded tenant ${result.tenant}; admin ${result.admin.email} password ${result.admin.password}`);
        else out(`tenant ${result.tenant} already exists; nothing seeded`);
      }),
    );

  const tenant = program.command("tenant").description("tenants (merchants)");
  tenant
    .command("create <slug>")
    .description("create a tenant with the starter pass types basic and premium")
    .requiredOption("--name <name>", "display name")
    .option("--custom-identifier <key>", "custom identifier key (repeatable)", collect, [])
    .option("--json", "print the tenant as JSON")
    .action(
      withDb(async (slug: string, opts: { name: string; customIdentifier: string[]; json?: boolean }) => {
        const t = await createTenant({ slug, name: opts.name, customIdentifierKeys: opts.customIdentifier, actor: ACTOR });
        if (opts.json) json({ id: t.id, slug: t.slug, name: t.name, status: t.status, klaviyoEnabled: t.klaviyoEnabled, defaultPhoneRegion: t.defaultPhoneRegion });
        else out(t.slug);
      }),
    );
  tenant
    .command("list")
    .description("list tenants")
    .option("--json", "print JSON")
    .action(
      withDb(async (opts: { json?: boolean }) => {
        const rows = await listTenants();
        if (opts.json) json(rows.map(({ _count, ...t }) => ({ ...t, passes: _count.passes, customers: _count.customers })));
        else for (const t of rows) out(`${t.slug}\t${t.name}\t${t.status}\tklaviyo=${t.klaviyoEnabled ? "on" : "off"}\tpasses=${t._count.passes}`);
      }),
    );

  tenant
    .command("update <slug>")
    .description("change status, Klaviyo integration, merchant sync-back and throttling settings")
    .option("--status <status>", "ACTIVE or SUSPENDED", oneOf(["ACTIVE", "SUSPENDED"]))
    .option("--klaviyo <on|off>", "enable or disable the Klaviyo listeners")
    .option("--klaviyo-webhook-secret-stdin", "read a new system-webhook secret from stdin (the current one stays valid as the previous)")
    .option("--drop-previous-webhook-secret", "stop accepting the previous system-webhook secret")
    .option("--merchant-sync-url <url>", "merchant endpoint for profile changes (`none` to remove)")
    .option("--merchant-sync-secret-stdin", "read the merchant sync signing secret from stdin")
    .option("--phone-region <code>", "default phone region, e.g. US")
    .option("--custom-identifier <key>", "custom identifier key (repeatable; replaces the list)", collect, [])
    .option("--tenant-rpm <n>", "listener requests per minute for the tenant", Number)
    .option("--apikey-rpm <n>", "listener requests per minute per credential", Number)
    .option("--json", "print the settings as JSON")
    .action(
      withDb(
        async (
          slug: string,
          opts: {
            status?: string; klaviyo?: string; klaviyoWebhookSecretStdin?: boolean; dropPreviousWebhookSecret?: boolean;
            merchantSyncUrl?: string; merchantSyncSecretStdin?: boolean; phoneRegion?: string; customIdentifier: string[];
            tenantRpm?: number; apikeyRpm?: number; json?: boolean;
          },
        ) => {
          if (opts.klaviyoWebhookSecretStdin && opts.merchantSyncSecretStdin) {
            throw new DomainError("invalid_input", "read one secret from stdin at a time", "stdin");
          }
          if (opts.klaviyo && !["on", "off"].includes(opts.klaviyo)) throw new DomainError("invalid_input", "--klaviyo takes on or off", "klaviyo");
          const secret = opts.klaviyoWebhookSecretStdin || opts.merchantSyncSecretStdin
              ? await readStdin(opts.klaviyoWebhookSecretStdin ? "--klaviyo-webhook-secret-stdin" : "--merchant-sync-secret-stdin")
              : undefined;
          const updated = await updateTenantSettings(
            slug,
            {
              status: opts.status as "ACTIVE" | "SUSPENDED" | undefined,
              klaviyoEnabled: opts.klaviyo === undefined ? undefined : opts.klaviyo === "on",
              klaviyoWebhookSecret: opts.klaviyoWebhookSecretStdin ? secret : undefined,
              dropPreviousWebhookSecret: opts.dropPreviousWebhookSecret,
              merchantSyncUrl: opts.merchantSyncUrl === undefined ? undefined : opts.merchantSyncUrl === "none" ? null : opts.merchantSyncUrl,
              merchantSyncSecret: opts.merchantSyncSecretStdin ? secret : undefined,
              defaultPhoneRegion: opts.phoneRegion?.toUpperCase(),
              customIdentifierKeys: opts.customIdentifier.length ? opts.customIdentifier : undefined,
              tenantRequestsPerMinute: opts.tenantRpm,
              apiKeyRequestsPerMinute: opts.apikeyRpm,
            },
            ACTOR,
          );
          if (opts.json) json(describeTenantSettings(updated));
          else out(updated.slug);
        },
      ),
    );

  const apikey = program.command("apikey").description("tenant API keys for the Klaviyo listeners");
  apikey
    .command("create")
    .description("create a key and print it once (only its hash is stored)")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .option("--scope <scope>", `scope (repeatable; default ${KLAVIYO_LISTENER_SCOPE})`, collect, [])
    .option("--name <name>", "label shown in the console", "cli")
    .option("--json", "print { id, prefix, key } as JSON")
    .action(
      withDb(async (opts: { tenant: string; scope: string[]; name: string; json?: boolean }) => {
        const created = await createApiKey({
          tenant: opts.tenant,
          name: opts.name,
          scopes: opts.scope.length ? opts.scope : [KLAVIYO_LISTENER_SCOPE],
          actor: ACTOR,
        });
        if (opts.json) json(created);
        else out(created.key);
      }),
    );
  apikey
    .command("revoke <prefix>")
    .description("revoke a key by its prefix (pf_xxxxxxxx) or the whole key (only the prefix is used)")
    .action(
      withDb(async (prefix: string) => {
        const r = await revokeApiKey({ prefix, actor: ACTOR });
        out(`revoked ${r.prefix} at ${r.revokedAt.toISOString()}`);
      }),
    );

  program
    .command("staff")
    .description("console staff")
    .command("create")
    .description("create a staff user; the password is read from standard input")
    .requiredOption("--email <email>", "login email")
    .requiredOption("--role <role>", "ADMIN, OPERATOR or VIEWER")
    .option("--name <name>", "display name")
    .option("--password-stdin", "read the password from standard input (required)")
    .option("--json", "print the user as JSON")
    .action(
      withDb(async (opts: { email: string; role: string; name?: string; passwordStdin?: boolean; json?: boolean }) => {
        if (!opts.passwordStdin) throw new DomainError("invalid_input", "give --password-stdin and pipe the password in", "password");
        const user = await createStaff({ email: opts.email, role: opts.role.toUpperCase(), name: opts.name, password: await readStdin(), actor: ACTOR });
        if (opts.json) json(user);
        else out(user.id);
      }),
    );

  const pass = program.command("pass").description("passes");
  pass
    .command("issue")
    .description("issue a pass (creating the customer if needed) and print its serialNumber")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .requiredOption("--type <key>", "pass type key (basic, premium…)")
    .option("--email <email>")
    .option("--phone <phone>", "any format; read with the tenant's default region")
    .option("--customer-id <id>", "the merchant's customer id")
    .option("--identifier <key=value>", "custom identifier (repeatable)", collect, [])
    .option("--json", "print { serialNumber, created } as JSON")
    .action(
      withDb(async (opts: { tenant: string; type: string; email?: string; phone?: string; customerId?: string; identifier: string[]; json?: boolean }) => {
        const r = await issuePass({
          tenant: opts.tenant,
          passType: opts.type,
          identifiers: { ...pairs(opts.identifier), email: opts.email, phone: opts.phone, customerId: opts.customerId },
        });
        if (opts.json) json(r);
        else out(r.serialNumber);
      }),
    );
  pass
    .command("show")
    .description("show a pass")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .requiredOption("--serial <serialNumber>")
    .option("--json", "print JSON (default)")
    .action(
      withDb(async (opts: { tenant: string; serial: string }) => {
        json(await showPass(opts.tenant, opts.serial));
      }),
    );
  pass
    .command("link")
    .description("print a signed, expiring download link for the pass (\"Add to Apple Wallet\")")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .requiredOption("--serial <serialNumber>")
    .option("--ttl <seconds>", "how long the link works (default 604800, 7 days)")
    .option("--json", "print { url, expiresAt } as JSON")
    .action(
      withDb(async (opts: { tenant: string; serial: string; ttl?: string; json?: boolean }) => {
        const ttlSeconds = opts.ttl === undefined ? undefined : Number(opts.ttl);
        const { passDownloadLink } = await import("../wallet/links"); // wallet modules load on use
        const link = await passDownloadLink({ tenant: opts.tenant, serialNumber: opts.serial, ttlSeconds });
        if (opts.json) json(link);
        else out(link.url);
      }),
    );

  const cert = program.command("cert").description("Apple Wallet certificates (Pass Type ID, APNs auth key)");
  cert
    .command("import")
    .description("import a tenant's Pass Type ID certificate (PEM pair or .p12) with Apple's WWDR intermediate")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .option("--cert <file>", "certificate, PEM")
    .option("--key <file>", "private key, PEM (may be encrypted)")
    .option("--p12 <file>", "PKCS#12 export instead of --cert/--key")
    .option("--wwdr <file>", "Apple WWDR intermediate, PEM (required unless the .p12 includes it)")
    .option("--passphrase-stdin", "read the key's or .p12's passphrase from standard input")
    .option("--pass-type <key>", "pass type that uses it (repeatable; default: all of the tenant's)", collect, [])
    .option("--json", "print a JSON summary")
    .action(
      withDb(async (opts: { tenant: string; cert?: string; key?: string; p12?: string; wwdr?: string; passphraseStdin?: boolean; passType: string[]; json?: boolean }) => {
        if (!opts.p12 && !(opts.cert && opts.key)) throw new DomainError("invalid_input", "give --cert and --key, or --p12", "cert");
        const { importCertificate } = await import("../wallet/certificates");
        const r = await importCertificate({
          tenant: opts.tenant,
          certificatePem: opts.cert ? await readFile(opts.cert, "utf8") : undefined,
          privateKeyPem: opts.key ? await readFile(opts.key, "utf8") : undefined,
          p12: opts.p12 ? await readFile(opts.p12) : undefined,
          wwdrPem: opts.wwdr ? await readFile(opts.wwdr, "utf8") : undefined,
          passphrase: opts.passphraseStdin ? await readStdin("--passphrase-stdin") : undefined,
          passTypes: opts.passType,
          actor: ACTOR,
        });
        if (opts.json) json(r);
        else out(`imported ${r.passTypeIdentifier} (team ${r.teamIdentifier}, expires ${r.expiresAt}) for ${r.passTypes.join(", ")}`);
      }),
    );
  cert
    .command("list")
    .description("list a tenant's certificates")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .option("--json", "print JSON")
    .action(
      withDb(async (opts: { tenant: string; json?: boolean }) => {
        const { listCertificates } = await import("../wallet/certificates");
        const rows = await listCertificates(opts.tenant);
        if (opts.json) json(rows);
        else for (const c of rows) out(`${c.passTypeIdentifier}\tteam=${c.teamIdentifier}\texpires=${c.expiresAt}${c.development ? "\tDEVELOPMENT (not installable)" : ""}`);
      }),
    );
  cert
    .command("apns-key")
    .description("use token-based APNs (an Apple .p8 auth key) for the tenant's pushes")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .requiredOption("--p8 <file>", "AuthKey_XXXXXXXXXX.p8")
    .requiredOption("--key-id <id>", "the key's 10-character id")
    .requiredOption("--team-id <id>", "the 10-character Team ID")
    .action(
      withDb(async (opts: { tenant: string; p8: string; keyId: string; teamId: string }) => {
        const { setApnsKey } = await import("../wallet/certificates");
        await setApnsKey({ tenant: opts.tenant, keyId: opts.keyId, teamId: opts.teamId, p8Pem: await readFile(opts.p8, "utf8"), actor: ACTOR });
        out(`tenant ${opts.tenant} pushes with APNs key ${opts.keyId}`);
      }),
    );

  const task = program.command("task").description("sync tasks (the durable work behind each webhook)");
  task
    .command("list")
    .description("list tasks, newest first")
    .option("--status <status>", "QUEUED, RUNNING, SUCCEEDED or FAILED", oneOf(["QUEUED", "RUNNING", "SUCCEEDED", "FAILED"]))
    .option("--tenant <slug>", "tenant slug or id")
    .option("--kind <kind>", "PASS_UPDATE or PROFILE_SYNC", oneOf(["PASS_UPDATE", "PROFILE_SYNC"]))
    .option("--error-code <code>", "only tasks with this error code")
    .option("--limit <n>", "at most this many, 1-1000 (default 50)", positiveInt(1000))
    .option("--json", "print JSON")
    .action(
      withDb(async (opts: { status?: string; tenant?: string; kind?: string; errorCode?: string; limit?: number; json?: boolean }) => {
        const rows = await listTasks({
          status: opts.status as SyncTaskStatus | undefined,
          kind: opts.kind as SyncTaskKind | undefined,
          tenant: opts.tenant,
          errorCode: opts.errorCode,
          limit: opts.limit,
        });
        if (opts.json) json(rows.map(({ tenant: t, ...r }) => ({ ...r, tenant: t.slug })));
        else for (const r of rows) out([r.id, r.tenant.slug, r.kind, r.status, r.errorCode ?? "-", `attempts=${r.attempts}`, r.createdAt.toISOString()].join("\t"));
      }),
    );
  task
    .command("show <id>")
    .description("show a task: input, output, error, receipt, replays and pass changes")
    .option("--json", "print JSON (default)")
    .action(
      withDb(async (id: string) => {
        const { tenant: t, ...rest } = await showTask(id);
        json({ ...rest, tenant: t.slug });
      }),
    );
  task
    .command("replay [id]")
    .description("replay a FAILED task (a SUCCEEDED one with --force), or with --filter every FAILED task not yet replayed that matches")
    .option("--force", "also replay a SUCCEEDED task")
    .option("--filter", "bulk: replay the FAILED tasks matching --tenant, --kind, --error-code, --from, --to")
    .option("--tenant <slug>", "with --filter: tenant slug or id")
    .option("--kind <kind>", "with --filter: PASS_UPDATE or PROFILE_SYNC", oneOf(["PASS_UPDATE", "PROFILE_SYNC"]))
    .option("--error-code <code>", "with --filter: error code")
    .option("--from <time>", "with --filter: created at or after (ISO 8601)")
    .option("--to <time>", "with --filter: created before (ISO 8601)")
    .option("--json", "print JSON")
    .action(
      withDb(
        async (
          id: string | undefined,
          opts: { force?: boolean; filter?: boolean; tenant?: string; kind?: string; errorCode?: string; from?: string; to?: string; json?: boolean },
        ) => {
          if (Boolean(id) === Boolean(opts.filter)) throw new DomainError("invalid_input", "give a task id or --filter (not both)", "id");
          if (id) {
            const replay = await replayTask({ taskId: id, actor: ACTOR, force: opts.force });
            if (opts.json) json({ id: replay.id, replayOfId: replay.replayOfId, correlationId: replay.correlationId, status: replay.status });
            else out(replay.id);
            return;
          }
          const count = await replayTasks({
            filter: { tenant: opts.tenant, kind: opts.kind as SyncTaskKind | undefined, errorCode: opts.errorCode, from: time(opts.from, "from"), to: time(opts.to, "to") },
            actor: ACTOR,
          });
          if (opts.json) json({ replayed: count });
          else out(`replayed ${count} task(s)`);
        },
      ),
    );

  return program;
}

/** An ISO 8601 option value as a Date. */
function time(value: string | undefined, field: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new DomainError("invalid_input", `--${field} expects an ISO 8601 time, got ${JSON.stringify(value)}`, field);
  return date;
}

/** A commander parser for a whole number from 1 to `max`; anything else is a usage error (exit 2). */
/** An option value from `values`, in any case (`failed` is FAILED); anything else is a usage error (exit 2). */
function oneOf(values: string[]) {
  return (value: string): string => {
    const upper = value.trim().toUpperCase();
    if (!values.includes(upper)) throw new InvalidArgumentError(`must be one of ${values.join(", ")}`);
    return upper;
  };
}

function positiveInt(max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > max) throw new InvalidArgumentError(`must be a whole number from 1 to ${max}`);
    return n;
  };
}

/** Runs the CLI with `argv` (without node and script). Resolves with the exit code. */
export async function run(argv: string[]): Promise<number> {
  void env; // configuration is validated when this module loads
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed its message (usage errors) or help/version output
      return err.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(`error: ${formatCliError(err)}\n`);
    return 1;
  }
}
