/** CLI `passtype`: list, show, import, export and publish pass type designs. */
import type { Command } from "commander";
import { getPublish, type PublishProgress } from "@/server/passes/publish";
import { latestPublishOf, listPassTypes, publishPassTypeRevision, showPassType } from "@/server/passes/revisions";
import { DomainError, type DomainFieldError } from "@/server/platform/errors";
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
    .description("publish a revision (default: the latest): it builds the type's passes, and every live pass gets a new version and is pushed (in the background, by pass-type-publish)")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .requiredOption("--key <key>", "pass type key")
    .option("--revision <n>", "the revision to publish (default: the latest)", positiveInt(1_000_000))
    .option("--message <text>", "why (kept in the audit log and on the publication)")
    .option("--notify <text>", "a lock-screen message for every holder (muted per pass beyond the tenant's notification budget)")
    .option("--wait", "wait until every pass is done (progress on stderr unless --json)")
    .option("--json", "print the result (with the publication's progress record) as JSON")
    .action(
      withDb(async (opts: { tenant: string; key: string; revision?: number; message?: string; notify?: string; wait?: boolean; json?: boolean }) => {
        const r = await publishPassTypeRevision({ tenant: opts.tenant, key: opts.key, revision: opts.revision, message: opts.message, notify: opts.notify, actor: ACTOR });
        if (r.publish && opts.wait) r.publish = await waitForPublish(r.publish.id, !opts.json);
        if (opts.json) json(r);
        else if (!r.changed) out(`${r.key} revision ${r.revision} is already published`);
        else out(`published ${r.key} revision ${r.revision}: ${progressLine(r.publish!)}`);
      }),
    );
  passtype
    .command("publish-status")
    .description("the progress of a pass type's latest publication: passes done / total, pushes sent and failed, muted notices, estimate to finish")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .requiredOption("--key <key>", "pass type key")
    .option("--wait", "wait until it finishes (progress on stderr unless --json)")
    .option("--json", "print the progress record as JSON")
    .action(
      withDb(async (opts: { tenant: string; key: string; wait?: boolean; json?: boolean }) => {
        let p = await latestPublishOf(opts.tenant, opts.key);
        if (!p) throw new DomainError("not_found", `pass type ${opts.key} was never published with a publication record`, "key");
        if (opts.wait) p = await waitForPublish(p.id, !opts.json);
        if (opts.json) json(p);
        else out(`${p.key} revision ${p.revision}: ${progressLine(p)}`);
      }),
    );
}

/** One line of progress: status, passes done / total, pushes, muted, rate and estimate. */
function progressLine(p: PublishProgress): string {
  const eta = p.status === "RUNNING" ? (p.etaSeconds === null ? ", estimate unknown" : `, about ${p.etaSeconds} s to go`) : "";
  return (
    `${p.status.toLowerCase()}, ${p.done}/${p.total} passes (${p.percent} %), ${p.pushesSent} pushes sent, ${p.pushesFailed} failed` +
    `${p.muted ? `, ${p.muted} notices muted` : ""}${p.passesPerSecond === null ? "" : `, ${p.passesPerSecond} passes/s`}${eta}`
  );
}

/** Polls the publication until it is no longer RUNNING (every 0.5 s), with a progress line on stderr every 2 s when `report`. */
async function waitForPublish(publishId: string, report: boolean): Promise<PublishProgress> {
  for (let i = 0; ; i++) {
    const p = (await getPublish(publishId))!;
    if (p.status !== "RUNNING") return p;
    if (report && i % 4 === 0) process.stderr.write(`${progressLine(p)}\n`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
