/** CLI `apikey`: tenant API keys for the Klaviyo listeners. */
import type { Command } from "commander";
import { createApiKey, revokeApiKey, KLAVIYO_LISTENER_SCOPE } from "@/server/tenants/api-keys";
import { ACTOR, out, json, collect, withDb } from "../common";

export function registerApiKeyCommands(program: Command): void {
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
}
