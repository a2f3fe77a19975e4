/** CLI `tenant`: create, list and configure tenants. */
import type { Command } from "commander";
import { DomainError } from "@/server/platform/errors";
import { createTenant, describeTenantSettings, updateTenantSettings } from "@/server/tenants/tenants";
import { listTenants } from "@/server/console/tenants";
import { ACTOR, out, json, readStdin, collect, withDb, oneOf } from "../common";

export function registerTenantCommands(program: Command): void {
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
        const rows = [];
        for (let cursor: string | undefined, first = true; first || cursor; first = false) {
          const page = await listTenants({ cursor, limit: 200 });
          rows.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        }
        if (opts.json) json(rows.map(({ _count, ...t }) => ({ ...t, passes: _count.passes, customers: _count.customers })));
        else for (const t of rows) out(`${t.slug}\t${t.name}\t${t.status}\tklaviyo=${t.klaviyoEnabled ? "on" : "off"}\tpasses=${t._count.passes}`);
      }),
    );

  tenant
    .command("update <slug>")
    .description("change status, Klaviyo integration, Google Wallet issuer, merchant sync-back, not-provided values, throttling, retention, notification and pass link settings")
    .option("--status <status>", "ACTIVE or SUSPENDED", oneOf(["ACTIVE", "SUSPENDED"]))
    .option("--klaviyo <on|off>", "enable or disable the Klaviyo integration (off: the listeners answer 403 and nothing is sent to Klaviyo)")
    .option("--klaviyo-webhook-secret-stdin", "read a new system-webhook secret from stdin (the current one stays valid as the previous)")
    .option("--drop-previous-webhook-secret", "stop accepting the previous system-webhook secret")
    .option("--merchant-sync-url <url>", "merchant endpoint for profile changes (`none` to remove)")
    .option("--merchant-sync-secret-stdin", "read the merchant sync signing secret from stdin")
    .option("--klaviyo-api-key-stdin", "read the Klaviyo private API key (scopes profiles:write, events:write) from stdin: wallet events and profile properties are then sent to Klaviyo")
    .option("--no-klaviyo-api-key", "remove the Klaviyo private API key (nothing is sent to Klaviyo)")
    .option("--phone-region <code>", "default phone region, e.g. US")
    .option("--custom-identifier <key>", "custom identifier key (repeatable; replaces the list)", collect, [])
    .option("--not-provided-values <list>", 'comma-separated values that mean "not provided" besides the blank string, e.g. "-,N/A" (repeatable; replaces the list; "" clears it)', collect, [])
    .option("--tenant-rpm <n>", "listener requests per minute for the tenant", Number)
    .option("--apikey-rpm <n>", "listener requests per minute per credential", Number)
    .option("--retention-days <n>", "days receipts, tasks, pass changes and push deliveries are kept", Number)
    .option("--raw-body-days <n>", "days webhook bodies and headers are kept (at most the retention days)", Number)
    .option("--notifications-per-day <n>", "alerting pass updates (lock-screen messages) per pass per 24 h; beyond it updates are applied silently", Number)
    .option("--notification-spacing-minutes <n>", "minimum minutes between two alerting updates of a pass (0: none)", Number)
    .option("--publish-pushes-per-second <n>", "pushes per second of a pass type publication", Number)
    .option("--google-issuer-id <id>", "Google Wallet issuer id (`none` removes the issuer and its key)")
    .option("--google-service-account-stdin", "read the Google Wallet service account key (JSON) from stdin")
    .option("--pass-link-ttl-days <n>", "days the links made for a pass (Add to Wallet page, .pkpass) stay valid (1-366, default 7)", Number)
    .option("--json", "print the settings as JSON")
    .action(
      withDb(
        async (
          slug: string,
          opts: {
            status?: string; klaviyo?: string; klaviyoWebhookSecretStdin?: boolean; dropPreviousWebhookSecret?: boolean;
            merchantSyncUrl?: string; merchantSyncSecretStdin?: boolean; klaviyoApiKeyStdin?: boolean; klaviyoApiKey?: boolean; phoneRegion?: string; customIdentifier: string[]; notProvidedValues: string[];
            tenantRpm?: number; apikeyRpm?: number; retentionDays?: number; rawBodyDays?: number;
            notificationsPerDay?: number; notificationSpacingMinutes?: number; publishPushesPerSecond?: number; passLinkTtlDays?: number;
            googleIssuerId?: string; googleServiceAccountStdin?: boolean; json?: boolean;
          },
        ) => {
          const stdinFlags = ([
            [opts.klaviyoWebhookSecretStdin, "--klaviyo-webhook-secret-stdin"],
            [opts.merchantSyncSecretStdin, "--merchant-sync-secret-stdin"],
            [opts.klaviyoApiKeyStdin, "--klaviyo-api-key-stdin"],
            [opts.googleServiceAccountStdin, "--google-service-account-stdin"],
          ] as const).filter(([on]) => on);
          if (stdinFlags.length > 1) throw new DomainError("invalid_input", "read one secret from stdin at a time", "stdin");
          if (opts.klaviyoApiKeyStdin && opts.klaviyoApiKey === false) throw new DomainError("invalid_input", "--klaviyo-api-key-stdin and --no-klaviyo-api-key contradict each other", "klaviyoApiKey");
          if (opts.klaviyo && !["on", "off"].includes(opts.klaviyo)) throw new DomainError("invalid_input", "--klaviyo takes on or off", "klaviyo");
          const secret = stdinFlags.length ? await readStdin(stdinFlags[0]![1]) : undefined;
          const updated = await updateTenantSettings(
            slug,
            {
              status: opts.status as "ACTIVE" | "SUSPENDED" | undefined,
              klaviyoEnabled: opts.klaviyo === undefined ? undefined : opts.klaviyo === "on",
              klaviyoWebhookSecret: opts.klaviyoWebhookSecretStdin ? secret : undefined,
              dropPreviousWebhookSecret: opts.dropPreviousWebhookSecret,
              merchantSyncUrl: opts.merchantSyncUrl === undefined ? undefined : opts.merchantSyncUrl === "none" ? null : opts.merchantSyncUrl,
              merchantSyncSecret: opts.merchantSyncSecretStdin ? secret : undefined,
              klaviyoApiKey: opts.klaviyoApiKeyStdin ? secret : opts.klaviyoApiKey === false ? null : undefined,
              defaultPhoneRegion: opts.phoneRegion?.toUpperCase(),
              customIdentifierKeys: opts.customIdentifier.length ? opts.customIdentifier : undefined,
              notProvidedValues: opts.notProvidedValues.length ? opts.notProvidedValues.flatMap((list) => list.split(",")) : undefined,
              tenantRequestsPerMinute: opts.tenantRpm,
              apiKeyRequestsPerMinute: opts.apikeyRpm,
              retentionDays: opts.retentionDays,
              rawBodyRetentionDays: opts.rawBodyDays,
              notificationsPerDay: opts.notificationsPerDay,
              notificationSpacingMinutes: opts.notificationSpacingMinutes,
              publishPushesPerSecond: opts.publishPushesPerSecond,
              googleIssuerId: opts.googleIssuerId === undefined ? undefined : opts.googleIssuerId === "none" ? null : opts.googleIssuerId,
              googleServiceAccount: opts.googleServiceAccountStdin ? secret?.trim() : undefined,
              passLinkTtlDays: opts.passLinkTtlDays,
            },
            ACTOR,
          );
          if (opts.json) json(describeTenantSettings(updated));
          else out(updated.slug);
        },
      ),
    );

  tenant
    .command("google-check <slug>")
    .description("check the tenant's Google Wallet issuer and service account key against Google (exit 1 on a problem)")
    .option("--json", "print { ok, problem, serviceAccountEmail, issuerId } as JSON")
    .action(
      withDb(async (slug: string, opts: { json?: boolean }) => {
        const { checkGoogleConnection } = await import("@/server/wallet/google/objects"); // wallet modules load on use
        const r = await checkGoogleConnection(slug);
        if (!r) throw new DomainError("invalid_input", `tenant ${slug} has no Google Wallet issuer: set --google-issuer-id and --google-service-account-stdin`, "googleIssuerId");
        if (opts.json) json(r);
        else if (r.ok) out(`ok: ${r.serviceAccountEmail} can use issuer ${r.issuerId}`);
        if (!r.ok) throw new Error(`Google Wallet: ${r.problem}`); // exit 1, the problem on stderr
      }),
    );
}
