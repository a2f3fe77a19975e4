/**
 * The embedded executor's durable state: one ExecutorRun row per function run, holding the
 * triggering event, the memoized step results and the retry position. Everything the executor
 * keeps in memory can be rebuilt from these rows after a crash.
 */
import type { Prisma } from "@prisma/client";
import { db } from "@/server/db/client";
import type { Memo, SerializedError } from "./protocol";

export interface RunState {
  id: string;
  functionId: string;
  event: Record<string, unknown>;
  steps: Record<string, Memo>;
  stack: string[];
  attempt: number;
  runAfter: Date;
}

export interface NewRun {
  id: string;
  functionId: string;
  eventId: string;
  event: Record<string, unknown>;
}

/** Inserts runs, skipping any whose (function, event id) already exists; returns the new ones. */
export async function insertRuns(runs: NewRun[]): Promise<RunState[]> {
  if (runs.length === 0) return [];
  const created = await db().executorRun.createManyAndReturn({
    data: runs.map((r) => ({ ...r, event: r.event as Prisma.InputJsonObject })),
    skipDuplicates: true,
    select: { id: true, functionId: true, runAfter: true },
  });
  const byId = new Map(runs.map((r) => [r.id, r]));
  return created.map((c) => ({ id: c.id, functionId: c.functionId, event: byId.get(c.id)!.event, steps: {}, stack: [], attempt: 0, runAfter: c.runAfter }));
}

/** Persists memoized steps and the retry position (the run is RUNNING from its first step on). */
export async function saveProgress(run: RunState): Promise<void> {
  await db().executorRun.update({
    where: { id: run.id },
    data: { status: "RUNNING", steps: run.steps as Prisma.InputJsonObject, stack: run.stack, attempt: run.attempt, runAfter: run.runAfter },
  });
}

/** Ends a run. */
export async function finishRun(id: string, outcome: { output: unknown } | { error: SerializedError }): Promise<void> {
  await db().executorRun.update({
    where: { id },
    data:
      "error" in outcome
        ? { status: "FAILED", error: outcome.error as Prisma.InputJsonObject, finishedAt: new Date() }
        : { status: "COMPLETED", output: (outcome.output ?? null) as Prisma.InputJsonValue, finishedAt: new Date() },
  });
}

/** Runs a previous process left QUEUED or RUNNING, oldest first. */
export async function unfinishedRuns(): Promise<RunState[]> {
  const rows = await db().executorRun.findMany({
    where: { status: { in: ["QUEUED", "RUNNING"] } },
    orderBy: { createdAt: "asc" },
    select: { id: true, functionId: true, event: true, steps: true, stack: true, attempt: true, runAfter: true },
  });
  return rows.map((r) => ({
    ...r,
    event: r.event as Record<string, unknown>,
    steps: r.steps as Record<string, Memo>,
  }));
}

/** Deletes finished runs older than `before` (event ids stay deduplicated until then). */
export async function pruneRuns(before: Date): Promise<number> {
  const { count } = await db().executorRun.deleteMany({ where: { status: { in: ["COMPLETED", "FAILED"] }, finishedAt: { lt: before } } });
  return count;
}
