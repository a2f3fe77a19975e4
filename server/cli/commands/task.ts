/** CLI `task`: list, show and replay sync tasks. */
import type { Command } from "commander";
import { DomainError } from "@/server/platform/errors";
import { getTask, listTasks } from "@/server/tasks/queries";
import { replayTask, replayTasks } from "@/server/tasks/replay";
import { type SyncTaskKind, type SyncTaskStatus } from "@prisma/client";
import { ACTOR, out, json, withDb, time, oneOf, positiveInt } from "../common";

export function registerTaskCommands(program: Command): void {
  const task = program.command("task").description("sync tasks (the durable work behind each webhook)");
  task
    .command("list")
    .description("list tasks, newest first")
    .option("--status <status>", "QUEUED, RUNNING, SUCCEEDED or FAILED", oneOf(["QUEUED", "RUNNING", "SUCCEEDED", "FAILED"]))
    .option("--tenant <slug>", "tenant slug or id")
    .option("--kind <kind>", "PASS_UPDATE, PROFILE_SYNC or PASS_ISSUE", oneOf(["PASS_UPDATE", "PROFILE_SYNC", "PASS_ISSUE"]))
    .option("--error-code <code>", "only tasks with this error code")
    .option("--limit <n>", "at most this many, 1-1000 (default 50)", positiveInt(1000))
    .option("--json", "print JSON")
    .action(
      withDb(async (opts: { status?: string; tenant?: string; kind?: string; errorCode?: string; limit?: number; json?: boolean }) => {
        const { items: rows } = await listTasks({
          status: opts.status as SyncTaskStatus | undefined,
          kind: opts.kind as SyncTaskKind | undefined,
          tenant: opts.tenant,
          errorCode: opts.errorCode,
          limit: opts.limit ?? 50,
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
        const { tenant: t, ...rest } = await getTask(id);
        json({ ...rest, tenant: t.slug });
      }),
    );
  task
    .command("replay [id]")
    .description("replay a FAILED task (a SUCCEEDED one with --force), or with --filter every FAILED task not yet replayed that matches")
    .option("--force", "also replay a SUCCEEDED task")
    .option("--filter", "bulk: replay the FAILED tasks matching --tenant, --kind, --error-code, --from, --to")
    .option("--tenant <slug>", "with --filter: tenant slug or id")
    .option("--kind <kind>", "with --filter: PASS_UPDATE, PROFILE_SYNC or PASS_ISSUE", oneOf(["PASS_UPDATE", "PROFILE_SYNC", "PASS_ISSUE"]))
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

}
