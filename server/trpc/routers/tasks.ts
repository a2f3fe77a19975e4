/** Sync tasks. */
import { z } from "zod";
import { countAlreadyReplayed, countReplayable, countTasks, getTask, listTasks, replayableErrorCodes, replayFilter, taskErrorCodes, taskFilter, taskListInput } from "@/server/tasks/queries";
import { replayTask, replayTasks } from "../../tasks/replay";
import { operatorProcedure, router, viewerProcedure } from "../init";

export const tasksRouter = router({
  /** One page of tasks matching the filter (cursor pagination). */
  list: viewerProcedure.input(taskListInput).query(({ input }) => listTasks(input)),
  /** How many tasks match the filter. */
  count: viewerProcedure.input(taskFilter).query(({ input }) => countTasks(input)),
  /**
   * What a bulk replay of the filter would take (its confirmation): the FAILED tasks matching,
   * how many of them were replayed already (left out), how many it replays, and their error codes.
   */
  replayableCount: viewerProcedure.input(replayFilter).query(async ({ input }) => {
    const [failed, alreadyReplayed, replayable, errorCodes] = await Promise.all([
      countTasks({ ...input, status: "FAILED" }),
      countAlreadyReplayed(input),
      countReplayable(input),
      replayableErrorCodes(input),
    ]);
    return { failed, alreadyReplayed, replayable, errorCodes };
  }),
  /** Error codes seen, most frequent first. */
  errorCodes: viewerProcedure.query(() => taskErrorCodes()),
  /** A task with input, output, attempts, timings and error. */
  get: viewerProcedure.input(z.object({ id: z.string().min(1) })).query(({ input }) => getTask(input.id)),
  /** Runs a FAILED task (or, with force, a SUCCEEDED one) again as a new task; audited. */
  replay: operatorProcedure
    .input(z.object({ taskId: z.string().min(1), force: z.boolean().default(false) }))
    .mutation(async ({ input, ctx }) => {
      const task = await replayTask({ taskId: input.taskId, actor: ctx.staff.email, force: input.force });
      return { id: task.id, status: task.status, correlationId: task.correlationId };
    }),
  /** Replays every FAILED, not yet replayed task matching the filter; audited per task. */
  replayMatching: operatorProcedure
    .input(replayFilter)
    .mutation(async ({ input, ctx }) => ({ replayed: await replayTasks({ filter: input, actor: ctx.staff.email }) })),
});
