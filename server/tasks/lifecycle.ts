/**
 * SyncTask status as the durable functions move it: QUEUED → RUNNING → SUCCEEDED | FAILED.
 *
 * - `attempts` is the highest attempt any step of the task has reached (1 on a first run; a step
 *   retried twice makes it 3). A step re-run after a crash is not a new attempt.
 * - `errorCode` / `lastError` describe the last failure; a task that succeeds after a retry keeps
 *   `lastError` (what went wrong on the way) and clears `errorCode`.
 * - Failures are classified here once: domain errors (bad input, nothing to update, conflicts)
 *   and a merchant system refusing the request are final; anything else is retried.
 */
import { Prisma, type SyncTask } from "@prisma/client";
import { ZodError } from "zod";
import { db } from "../db/client";
import { DomainError } from "../errors";
import { logger } from "../log";

type Tx = Prisma.TransactionClient;

/** A failure that ends the task at once (never retried), with its stable error code. */
export class FinalTaskError extends Error {
  override name = "FinalTaskError";
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A failure worth retrying that still deserves its own error code (e.g. merchant_unavailable). */
export class RetriableTaskError extends Error {
  override name = "RetriableTaskError";
  constructor(
    readonly code: string,
    message: string,
    /** Seconds the remote side asked us to wait (HTTP Retry-After), when it did. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export interface TaskFailure {
  code: string;
  message: string;
  final: boolean;
}

/** Classifies an error thrown while working on a task. */
export function classifyTaskError(err: unknown): TaskFailure {
  if (err instanceof DomainError) return { code: err.code, message: err.message, final: true };
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

export type StartedTask = Pick<SyncTask, "id" | "tenantId" | "kind" | "status" | "input" | "output" | "correlationId" | "passId">;

/**
 * Marks the task RUNNING for `attempt` (the SDK's 0-based attempt of the current step) and returns
 * it. A task already SUCCEEDED or FAILED is returned unchanged (its run is a duplicate).
 * @throws DomainError not_found when the task does not exist
 */
export async function startTask(taskId: string, attempt: number, tx: Tx = db()): Promise<StartedTask> {
  const rows = await tx.$queryRaw<StartedTask[]>`
    UPDATE "SyncTask"
       SET status = 'RUNNING', attempts = GREATEST(attempts, ${attempt + 1}),
           "startedAt" = COALESCE("startedAt", (now() AT TIME ZONE 'UTC')), "updatedAt" = (now() AT TIME ZONE 'UTC')
     WHERE id = ${taskId} AND status IN ('QUEUED', 'RUNNING')
 RETURNING id, "tenantId", kind, status, input, output, "correlationId", "passId"`;
  if (rows[0]) return rows[0];
  const task = await tx.syncTask.findUnique({
    where: { id: taskId },
    select: { id: true, tenantId: true, kind: true, status: true, input: true, output: true, correlationId: true, passId: true },
  });
  if (!task) throw new DomainError("not_found", `no sync task ${taskId}`);
  return task;
}

/** True when the task already ended (a duplicate run must not redo it). */
export function isTerminal(task: Pick<SyncTask, "status">): boolean {
  return TERMINAL.has(task.status);
}

/** The result of `runTaskOnce`: the work's result, or `duplicate` when the task had already ended. */
export type TaskRunResult<T> = { duplicate: false; value: T } | { duplicate: true; status: SyncTask["status"] };

/**
 * Does a task's database work exactly once: marks it RUNNING for `attempt`, runs `apply` in a
 * transaction and stores its result as the task's output in the same transaction (status stays
 * RUNNING until the function completes the task). A task already SUCCEEDED or FAILED is a
 * duplicate run; a task with an output was applied before a crash and its output is returned
 * instead of applying it twice.
 */
export async function runTaskOnce<T extends object>(
  taskId: string,
  attempt: number,
  apply: (tx: Tx, task: StartedTask) => Promise<T>,
  passIdOf: (result: T) => string | null = () => null,
): Promise<TaskRunResult<T>> {
  const task = await startTask(taskId, attempt);
  if (isTerminal(task)) return { duplicate: true, status: task.status };
  return db().$transaction(async (tx) => {
    // the task's row lock makes this exactly-once even when two runs of the task race
    const [current] = await tx.$queryRaw<Pick<SyncTask, "status" | "output">[]>`SELECT status, output FROM "SyncTask" WHERE id = ${taskId} FOR UPDATE`;
    if (current && isTerminal(current)) return { duplicate: true as const, status: current.status };
    if (current?.output) return { duplicate: false as const, value: current.output as T };
    const result = await apply(tx, task);
    const passId = passIdOf(result);
    await tx.$executeRaw`UPDATE "SyncTask" SET output = ${JSON.stringify(result)}::jsonb, "passId" = COALESCE(${passId}, "passId") WHERE id = ${task.id}`;
    return { duplicate: false as const, value: result };
  });
}

/** SUCCEEDED with `output` (a JSON object); clears errorCode. */
export async function completeTask(taskId: string, output: object): Promise<void> {
  await db().$executeRaw`
    UPDATE "SyncTask"
       SET status = 'SUCCEEDED', output = ${JSON.stringify(output)}::jsonb, "errorCode" = NULL,
           "finishedAt" = (now() AT TIME ZONE 'UTC'), "updatedAt" = (now() AT TIME ZONE 'UTC')
     WHERE id = ${taskId} AND status IN ('QUEUED', 'RUNNING')`;
}

/** Records a failed attempt: FAILED (with finishedAt) when final, otherwise RUNNING until the retry. */
export async function recordTaskFailure(taskId: string, failure: TaskFailure): Promise<void> {
  await db().syncTask.updateMany({
    where: { id: taskId, status: { in: ["QUEUED", "RUNNING"] } },
    data: {
      status: failure.final ? "FAILED" : "RUNNING",
      errorCode: failure.code,
      lastError: failure.message.slice(0, 2000),
      ...(failure.final ? { finishedAt: new Date() } : {}),
    },
  });
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
  await db().$executeRaw`
    UPDATE "SyncTask"
       SET status = 'FAILED', "finishedAt" = COALESCE("finishedAt", (now() AT TIME ZONE 'UTC')), "updatedAt" = (now() AT TIME ZONE 'UTC'),
           "lastError" = ${lastError},
           "errorCode" = COALESCE(${code ?? null}::text, "errorCode", 'internal_error')
     WHERE id = ${taskId} AND status <> 'SUCCEEDED'`;
  logger.warn({ taskId, errorCode: code, err: message }, "task FAILED");
}
