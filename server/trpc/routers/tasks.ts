/** Sync tasks. */
import { z } from "zod";
import { countReplayable, countTasks, getTask, listTasks, replayFilter, taskErrorCodes, taskFilter, taskListInput } from "../../console/tasks";
import { router, viewerProcedure } from "../init";

export const tasksRouter = router({
  /** One page of tasks matching the filter (cursor pagination). */
  list: viewerProcedure.input(taskListInput).query(({ input }) => listTasks(input)),
  /** How many tasks match the filter. */
  count: viewerProcedure.input(taskFilter).query(({ input }) => countTasks(input)),
  /** How many FAILED, not yet replayed tasks a bulk replay of the filter would take (its confirmation). */
  replayableCount: viewerProcedure.input(replayFilter).query(({ input }) => countReplayable(input)),
  /** Error codes seen, most frequent first. */
  errorCodes: viewerProcedure.query(() => taskErrorCodes()),
  /** A task with input, output, attempts, timings and error. */
  get: viewerProcedure.input(z.object({ id: z.string().min(1) })).query(({ input }) => getTask(input.id)),
});
