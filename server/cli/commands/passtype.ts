/** CLI `passtype`: list, show, import, export and publish pass type designs. */
import type { Command } from "commander";
import { listPassTypes, publishPassTypeRevision, showPassType } from "@/server/passes/revisions";
import type { DomainFieldError } from "@/server/platform/errors";
import { ACTOR, out, json, positiveInt, withDb } from "../common";

function warn(warnings: DomainFieldError[]) {
  for (const w of warnings) process.stderr.write(`warning: ${w.field}: ${w.message}\n`);
}

export function registerPassTypeCommands(program: Command): void {
  const passtype = program.command("passtype").description("pass type designs: definitions, revisions, model folders");
  passtype
    .command("list")
    .description("list a tenant's pass types with their published and latest revisions")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .option("--json", "print JSON")
    .action(
      withDb(async (opts: { tenant: string; json?: boolean }) => {
        const rows = await listPassTypes(opts.tenant);
        if (opts.json) json(rows);
        else for (const t of rows) out(`${t.key}\t${t.name}\t${t.style}\tpublished=${t.publishedRevision ?? "-"}\tlatest=${t.latestRevision ?? "-"}\tpasses=${t.livePasses}`);
      }),
    );
  passtype
    .command("show")
    .description("show a pass type's full definition and its revisions")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .requiredOption("--key <key>", "pass type key")
    .option("--revision <n>", "the definition of this revision (default: the published one)", positiveInt(1_000_000))
    .option("--json", "print JSON (default)")
    .action(
      withDb(async (opts: { tenant: string; key: string; revision?: number }) => {
        json(await showPassType(opts.tenant, opts.key, { revision: opts.revision }));
      }),
    );
  passtype
    .command("import")
    .description("import a pass model folder (pass.json, images, <lang>.lproj) as a pass type: a new one, or a new unpublished revision")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .requiredOption("--key <key>", "pass type key")
    .requiredOption("--from <folder|file.pkpass>", "pass model folder or .pkpass file")
    .option("--name <name>", "the pass type's name (default: the key)")
    .option("--message <text>", "what the revision changes")
    .option("--json", "print the result as JSON")
    .action(
      withDb(async (opts: { tenant: string; key: string; from: string; name?: string; message?: string; json?: boolean }) => {
        const { importPassType } = await import("@/server/wallet/pass-model"); // wallet modules load on use
        const r = await importPassType({ tenant: opts.tenant, key: opts.key, from: opts.from, name: opts.name, message: opts.message, actor: ACTOR });
        if (opts.json) return json(r);
        warn(r.warnings);
        if (r.passTypeCreated) out(`created ${r.key} (revision 1, published)`);
        else if (!r.created) out(`${r.key} unchanged (revision ${r.revision} has this definition)`);
        else out(`${r.key} revision ${r.revision} saved (${r.changes.join(", ")}); publish it with: passtype publish --tenant ${opts.tenant} --key ${r.key}`);
      }),
    );
  passtype
    .command("export")
    .description("write a pass type's definition as a pass model folder that import takes back unchanged")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .requiredOption("--key <key>", "pass type key")
    .requiredOption("--to <folder>", "a new or empty folder")
    .option("--revision <n>", "export this revision (default: the published one)", positiveInt(1_000_000))
    .option("--json", "print { key, revision, files } as JSON")
    .action(
      withDb(async (opts: { tenant: string; key: string; to: string; revision?: number; json?: boolean }) => {
        const { exportPassType } = await import("@/server/wallet/pass-model");
        const r = await exportPassType({ tenant: opts.tenant, key: opts.key, to: opts.to, revision: opts.revision });
        if (opts.json) json(r);
        else out(opts.to);
      }),
    );
  passtype
    .command("publish")
    .description("publish a revision (default: the latest): it builds the type's passes, and every live pass is pushed")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .requiredOption("--key <key>", "pass type key")
    .option("--revision <n>", "the revision to publish (default: the latest)", positiveInt(1_000_000))
    .option("--message <text>", "why (kept in the audit log)")
    .option("--json", "print the result as JSON")
    .action(
      withDb(async (opts: { tenant: string; key: string; revision?: number; message?: string; json?: boolean }) => {
        const r = await publishPassTypeRevision({ tenant: opts.tenant, key: opts.key, revision: opts.revision, message: opts.message, actor: ACTOR });
        if (opts.json) json(r);
        else if (!r.changed) out(`${r.key} revision ${r.revision} is already published`);
        else out(`published ${r.key} revision ${r.revision}: ${r.passes} live pass(es) updated, ${r.announced} pushed`);
      }),
    );
}
