"use client";
/** The task list, kept fresh while open (a task moves from QUEUED to SUCCEEDED within seconds). */
import { useQuery } from "@tanstack/react-query";
import type { z } from "zod";
import { useTRPC } from "@/app/_trpc/react";
import type { taskListInput } from "@/server/tasks/queries";
import { EmptyState, ErrorState, Mono, StatusBadge, Table, Td, Time } from "../_components/ui";
import { ShortId } from "../_components/short-id";
import { Pager } from "../_components/pager";
import { ReplayTaskButton } from "./replay-controls";

export function TaskTable({ input, params, canReplay }: { input: z.infer<typeof taskListInput>; params: Record<string, string>; canReplay: boolean }) {
  const trpc = useTRPC();
  const tasks = useQuery({ ...trpc.tasks.list.queryOptions(input), refetchInterval: 5_000 });
  if (tasks.isPending) return <p className="text-sm text-slate-500">Loading…</p>;
  if (tasks.isError) return <ErrorState title="Could not load sync tasks">{tasks.error.message}</ErrorState>;
  const { items, nextCursor } = tasks.data;
  return (
    <>
      <Table
        testId="task-table"
        head={["Task", "Tenant", "Kind", "Status", "Error", "Created", "Finished", ...(canReplay ? [""] : [])]}
        cols={[undefined, undefined, "hidden md:table-cell", undefined, undefined, "hidden sm:table-cell"]}
        empty={<EmptyState title="No sync tasks match these filters">Widen the time range or clear a filter.</EmptyState>}
      >
        {items.map((t) => (
          <tr key={t.id} className="hover:bg-slate-50" data-testid="task-row">
            <Td className="whitespace-nowrap">
              <ShortId id={t.id} href={`/tasks/${t.id}`} />
              {t.replayOfId ? <div className="text-xs text-slate-500">replay</div> : null}
            </Td>
            <Td>
              <div className="max-w-[9rem] truncate" title={t.tenant.slug}>
                {t.tenant.slug}
              </div>
            </Td>
            <Td className="hidden md:table-cell">{t.kind}</Td>
            <Td className="whitespace-nowrap">
              <StatusBadge status={t.status} />
              <div className="mt-0.5 text-xs text-slate-500 tabular-nums">
                {t.attempts} attempt{t.attempts === 1 ? "" : "s"}
              </div>
            </Td>
            <Td>
              <div className="w-44 sm:w-56 xl:w-72">
                {t.errorCode ? <Mono>{t.errorCode}</Mono> : null}
                {t.lastError ? <div className="truncate text-xs text-rose-700" title={t.lastError}>{t.lastError}</div> : null}
              </div>
            </Td>
            <Td className="hidden sm:table-cell">
              <Time value={t.createdAt} stacked />
            </Td>
            <Td>
              <Time value={t.finishedAt} stacked />
            </Td>
            {canReplay ? <Td>{t.status === "FAILED" ? <ReplayTaskButton taskId={t.id} status={t.status} errorCode={t.errorCode} compact /> : null}</Td> : null}
          </tr>
        ))}
      </Table>
      <Pager path="/tasks" params={params} nextCursor={nextCursor} shown={items.length} />
    </>
  );
}
