/**
 * SyncTask status as the durable functions move it: QUEUED → RUNNING → SUCCEEDED | FAILED.
 *
 * - `attempts` is the highest attempt any step of the task has reached (1 on a first run; a step
 *   retried twice makes it 3). A step re-run after a crash is not a new attempt.
 * - `errorCode` / `lastError` describe the last failure; a task that succeeds after a retry keeps
 *   `lastError` (what went wrong on the way) and clears `errorCode`.
 * - Failures are classified here once: domain errors (bad input, nothing to update, conflicts)
 *   and a merchant system refusing the request are final; anything else is retried.
 * - Each task's end is counted once, by the statement that ends it (`passflow_tasks_total`,
 *   `passflow_task_duration_seconds` from queueing to the end; retried attempts in
 *   `passflow_task_retries_total`: server/platform/metrics.ts).
 */
import type { SyncTask } from "@prisma/client";
import { ZodError } from "zod";
import { db } from "../db/client";
import { poolSql, type Sql, type Transaction } from "../db/sql";
import { DomainError, FinalTaskError, RetriableTaskError, type TaskSubjects } from "@/server/platform/errors";
import { logger } from "@/server/platform/log";
import { metrics } from "@/server/platform/metrics";
import type { TenantScope } from "@/server/tenants/tenants";

/** What a statement that ends a task returns about it: its kind and seconds from queueing to the end. */
const ENDED_COLUMNS = `kind::text AS kind, EXTRACT(EPOCH FROM ("finishedAt" - "queuedAt"))::float8 AS seconds`;

interface EndedTask {
  kind: string;
  seconds: number | null;
}

/** Counts tasks that a statement just ended (none when it ended nothing). */
function countEnded(rows: EndedTask[], outcome: "succeeded" | "failed"): void {
  const m = metrics();
  for (const { kind, seconds } of rows) {
    m.tasks.inc({ kind, outcome });
    if (seconds !== null) m.taskDuration.observe({ kind, outcome }, seconds);
  }
}


export interface TaskFailure {
  code: string;
  message: string;
  final: boolean;
  /** The pass and customer the task had resolved before failing (DomainError.subjects). */
  subjects?: TaskSubjects;
}

/** Classifies an error thrown while working on a task. */
export function classifyTaskError(err: unknown): TaskFailure {
  if (err instanceof DomainError) return { code: err.code, message: err.message, final: true, subjects: err.subjects };
  if (err instanceof FinalTaskError) return { code: err.code, message: err.message, final: true };
  if (err instanceof RetriableTaskError) return { code: err.code, message: err.message, final: false };
  if (err instanceof ZodError) {
    const issue = err.issues[0];
    return { code: "invalid_input", message: `task input is invalid: ${issue ? `${issue.path.join(".")}: ${issue.message}` : err.message}`, final: true };
  }
  return { code: "internal_error", message: err instanceof Error ? err.message : String(err), final: false };
}

/** `code: message`, the form final errors travel in through Inngest (onFailure reads the code back). */
export function formatTaskFailure(failure: Pick<TaskFailure, "code" | "message">): string {
  return `${failure.code}: ${failure.message}`;
}

/** The code of a message made by `formatTaskFailure`, if it is one. */
export function parseTaskFailureCode(message: string): string | undefined {
  return /^([a-z][a-z0-9_]*): /.exec(message)?.[1];
}

const TERMINAL = new Set(["SUCCEEDED", "FAILED"]);

export type StartedTask = Pick<SyncTask, "id" | "tenantId" | "kind" | "status" | "input" | "output" | "correlationId" | "passId"> & { tenant: TenantScope };
const STARTED_COLUMNS = `s.id, s."tenantId", s.kind::text AS kind, s.status::text AS status, s.input, s.output, s."correlationId", s."passId",
  jsonb_build_object('id', t.id, 'defaultPhoneRegion', t."defaultPhoneRegion", 'customIdentifierKeys', to_jsonb(t."customIdentifierKeys"), 'notProvidedValues', to_jsonb(t."notProvidedValues")) AS tenant`;

/**
 * Marks the task RUNNING for `attempt` (the SDK's 0-based attempt of the function or step) and
 * returns it with its tenant's settings, in one statement that also takes the task's row lock
 * (held to the end of the caller's transaction, if any). A task already SUCCEEDED or FAILED is
 * returned unchanged (its run is a duplicate).
 * @throws DomainError not_found when the task does not exist
 */
export async function startTask(taskId: string, attempt: number, sql: Sql = poolSql()): Promise<StartedTask> {
  const [started] = await sql.query<StartedTask>(
    `UPDATE "SyncTask" s
        SET status = 'RUNNING', attempts = GREATEST(s.attempts, $2::int),
            "startedAt" = COALESCE(s."startedAt", (now() AT TIME ZONE 'UTC')), "updatedAt" = (now() AT TIME ZONE 'UTC')
       FROM "Tenant" t
      WHERE s.id = $1 AND s.status IN ('QUEUED', 'RUNNING') AND t.id = s."tenantId"
  RETURNING ${STARTED_COLUMNS}`,
    [taskId, attempt + 1],
  );
  if (started) return started;
  const [task] = await sql.query<StartedTask>(`SELECT ${STARTED_COLUMNS} FROM "SyncTask" s JOIN "Tenant" t ON t.id = s."tenantId" WHERE s.id = $1`, [taskId]);
  if (!task) throw new DomainError("not_found", `no sync task ${taskId}`);
  return task;
}

/** True when the task already ended (a duplicate run must not redo it). */
export function isTerminal(task: Pick<SyncTask, "status">): boolean {
  return TERMINAL.has(task.status);
}

/** The result of `runTaskOnce`: the work's result, or `duplicate` when the task had already ended. */
export type TaskRunResult<T> = { duplicate: false; value: T } | { duplicate: true; status: SyncTask["status"]; output: T | null };

/**
 * Does a task's database work exactly once, in one transaction (`transaction`: a Prisma or a
 * node-postgres one, server/db/sql.ts): marks it RUNNING for `attempt` (startTask, which locks
 * the task's row, so two runs of the task that race take turns), runs `apply`, and stores its
 * result as the task's output (status stays RUNNING until the function completes the task; with
 * `complete`, the same statement makes it SUCCEEDED, for a function with nothing left to do but
 * send events, which it sends again from a duplicate run's `output`). A task already SUCCEEDED or
 * FAILED is a duplicate run (with its stored output); a task with an output was applied before a
 * crash and its output is returned instead of applying it twice. The pass and customer the result
 * names (`subjectsOf`) are recorded on the task. When `apply` throws, nothing of the run is
 * written: the caller records the failure (recordTaskFailure, with the attempt, and the subjects
 * the error carries: server/platform/errors.ts withTaskSubjects).
 */
export async function runTaskOnce<T extends object, Tx>(
  taskId: string,
  attempt: number,
  transaction: Transaction<Tx>,
  apply: (tx: Tx, task: StartedTask) => Promise<T>,
  subjectsOf: (result: T) => TaskSubjects = () => ({}),
  opts: { complete?: boolean } = {},
): Promise<TaskRunResult<T>> {
  let ended: EndedTask[] = [];
  const run = await transaction(async (tx, sql): Promise<TaskRunResult<T>> => {
    const task = await startTask(taskId, attempt, sql);
    if (isTerminal(task)) return { duplicate: true, status: task.status, output: (task.output as T | null) ?? null };
    if (task.output) {
      if (opts.complete) ended = await sql.query<EndedTask>(`${COMPLETE} WHERE id = $1 RETURNING ${ENDED_COLUMNS}`, [task.id]);
      return { duplicate: false, value: task.output as T };
    }
    const result = await apply(tx, task);
    const subjects = subjectsOf(result);
    const rows = await sql.query<EndedTask>(
      `UPDATE "SyncTask" SET output = $2::jsonb, "passId" = COALESCE($3, "passId"), "customerRecordId" = COALESCE($4, "customerRecordId")${opts.complete ? `, ${COMPLETE_SET}` : ""}
        WHERE id = $1 RETURNING ${ENDED_COLUMNS}`,
      [task.id, JSON.stringify(result), subjects.passId ?? null, subjects.customerRecordId ?? null],
    );
    if (opts.complete) ended = rows;
    return { duplicate: false, value: result };
  });
  countEnded(ended, "succeeded"); // after the commit
  return run;
}

/** What makes a task SUCCEEDED (its output already set). */
const COMPLETE_SET = `status = 'SUCCEEDED', "errorCode" = NULL, "finishedAt" = (now() AT TIME ZONE 'UTC'), "updatedAt" = (now() AT TIME ZONE 'UTC')`;
const COMPLETE = `UPDATE "SyncTask" SET ${COMPLETE_SET}`;

/** SUCCEEDED with `output` (a JSON object); clears errorCode. */
export async function completeTask(taskId: string, output: object): Promise<void> {
  const ended = await poolSql().query<EndedTask>(
    `${COMPLETE}, output = $2::jsonb
      WHERE id = $1 AND status IN ('QUEUED', 'RUNNING')
  RETURNING ${ENDED_COLUMNS}`,
    [taskId, JSON.stringify(output)],
  );
  countEnded(ended, "succeeded");
}

/**
 * Records a failed attempt (`attempt`: the SDK's 0-based attempt): FAILED (with finishedAt) when
 * final, otherwise RUNNING until the retry; attempts and startedAt as startTask sets them, since
 * the failed run's own writes were rolled back; and the pass and customer the run had resolved
 * (`failure.subjects`), so the failure shows on the pass and the customer it was about.
 */
export async function recordTaskFailure(taskId: string, attempt: number, failure: TaskFailure): Promise<void> {
  const recorded = await poolSql().query<EndedTask>(
    `UPDATE "SyncTask"
        SET status = $2::"SyncTaskStatus", "errorCode" = $3, "lastError" = $4, attempts = GREATEST(attempts, $5::int),
            "startedAt" = COALESCE("startedAt", (now() AT TIME ZONE 'UTC')),
            "finishedAt" = CASE WHEN $6::boolean THEN (now() AT TIME ZONE 'UTC') ELSE "finishedAt" END, "updatedAt" = (now() AT TIME ZONE 'UTC'),
            "passId" = COALESCE($7, "passId"), "customerRecordId" = COALESCE($8, "customerRecordId")
      WHERE id = $1 AND status IN ('QUEUED', 'RUNNING')
  RETURNING ${ENDED_COLUMNS}`,
    [taskId, failure.final ? "FAILED" : "RUNNING", failure.code, failure.message.slice(0, 2000), attempt + 1, failure.final, failure.subjects?.passId ?? null, failure.subjects?.customerRecordId ?? null],
  );
  if (failure.final) countEnded(recorded, "failed");
  else for (const { kind } of recorded) metrics().taskRetries.inc({ kind });
  logger[failure.final ? "warn" : "info"]({ taskId, errorCode: failure.code, final: failure.final, err: failure.message }, failure.final ? "task failed" : "task attempt failed; will retry");
}

/**
 * The onFailure end of a task: FAILED with the last error and its code (the code in `message`
 * made by formatTaskFailure, else one already recorded by the failing step, else
 * `internal_error`). A SUCCEEDED task is left alone.
 */
export async function failTask(taskId: string, message: string): Promise<void> {
  const code = parseTaskFailureCode(message);
  const lastError = (code ? message.slice(code.length + 2) : message).slice(0, 2000);
  // a task a final failure already ended is updated again (its last error) but not counted twice
  const rows = await db().$queryRaw<(EndedTask & { priorStatus: string })[]>`
    WITH prior AS (SELECT id, status FROM "SyncTask" WHERE id = ${taskId} FOR UPDATE)
    UPDATE "SyncTask" s
       SET status = 'FAILED', "finishedAt" = COALESCE(s."finishedAt", (now() AT TIME ZONE 'UTC')), "updatedAt" = (now() AT TIME ZONE 'UTC'),
           "lastError" = ${lastError},
           "errorCode" = COALESCE(${code ?? null}::text, s."errorCode", 'internal_error')
      FROM prior
     WHERE s.id = prior.id AND prior.status <> 'SUCCEEDED'
 RETURNING s.kind::text AS kind, EXTRACT(EPOCH FROM (s."finishedAt" - s."queuedAt"))::float8 AS seconds, prior.status::text AS "priorStatus"`;
  countEnded(rows.filter((r) => r.priorStatus !== "FAILED"), "failed");
  logger.warn({ taskId, errorCode: code, err: message }, "task FAILED");
}
