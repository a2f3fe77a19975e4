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
    .description("change status, Klaviyo integration, merchant sync-back, not-provided values, throttling, retention, notification and pass link settings")
    .option("--status <status>", "ACTIVE or SUSPENDED", oneOf(["ACTIVE", "SUSPENDED"]))
    .option("--klaviyo <on|off>", "enable or disable the Klaviyo listeners")
    .option("--klaviyo-webhook-secret-stdin", "read a new system-webhook secret from stdin (the current one stays valid as the previous)")
    .option("--drop-previous-webhook-secret", "stop accepting the previous system-webhook secret")
    .option("--merchant-sync-url <url>", "merchant endpoint for profile changes (`none` to remove)")
    .option("--merchant-sync-secret-stdin", "read the merchant sync signing secret from stdin")
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
    .option("--pass-link-ttl-days <n>", "days the links made for a pass (Add to Wallet page, .pkpass) stay valid (1-366, default 7)", Number)
    .option("--json", "print the settings as JSON")
    .action(
      withDb(
        async (
          slug: string,
          opts: {
            status?: string; klaviyo?: string; klaviyoWebhookSecretStdin?: boolean; dropPreviousWebhookSecret?: boolean;
            merchantSyncUrl?: string; merchantSyncSecretStdin?: boolean; phoneRegion?: string; customIdentifier: string[]; notProvidedValues: string[];
            tenantRpm?: number; apikeyRpm?: number; retentionDays?: number; rawBodyDays?: number;
            notificationsPerDay?: number; notificationSpacingMinutes?: number; publishPushesPerSecond?: number; passLinkTtlDays?: number; json?: boolean;
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
              notProvidedValues: opts.notProvidedValues.length ? opts.notProvidedValues.flatMap((list) => list.split(",")) : undefined,
              tenantRequestsPerMinute: opts.tenantRpm,
              apiKeyRequestsPerMinute: opts.apikeyRpm,
              retentionDays: opts.retentionDays,
              rawBodyRetentionDays: opts.rawBodyDays,
              notificationsPerDay: opts.notificationsPerDay,
              notificationSpacingMinutes: opts.notificationSpacingMinutes,
              publishPushesPerSecond: opts.publishPushesPerSecond,
              passLinkTtlDays: opts.passLinkTtlDays,
            },
            ACTOR,
          );
          if (opts.json) json(describeTenantSettings(updated));
          else out(updated.slug);
        },
      ),
    );
}
