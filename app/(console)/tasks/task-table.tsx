"use client";
/** The task list, kept fresh while open (a task moves from QUEUED to SUCCEEDED within seconds). */
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import type { z } from "zod";
import { useTRPC } from "@/app/_trpc/react";
import type { taskListInput } from "@/server/tasks/queries";
import { EmptyState, ErrorState, Mono, StatusBadge, Table, Td, Time } from "../_components/ui";
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
        head={["Task", "Tenant", "Kind", "Status", "Attempts", "Error", "Created", "Finished", ...(canReplay ? [""] : [])]}
        empty={<EmptyState title="No sync tasks match these filters">Widen the time range or clear a filter.</EmptyState>}
      >
        {items.map((t) => (
          <tr key={t.id} className="hover:bg-slate-50" data-testid="task-row">
            <Td>
              <Link href={`/tasks/${t.id}`} className="text-teal-700 hover:underline">
                <Mono>{t.id}</Mono>
              </Link>
              {t.replayOfId ? <div className="text-xs text-slate-500">replay</div> : null}
            </Td>
            <Td>{t.tenant.slug}</Td>
            <Td>{t.kind}</Td>
            <Td>
              <StatusBadge status={t.status} />
            </Td>
            <Td className="tabular-nums">{t.attempts}</Td>
            <Td className="max-w-sm">
              {t.errorCode ? <Mono>{t.errorCode}</Mono> : null}
              {t.lastError ? <div className="truncate text-xs text-rose-700" title={t.lastError}>{t.lastError}</div> : null}
            </Td>
            <Td>
              <Time value={t.createdAt} />
            </Td>
            <Td>
              <Time value={t.finishedAt} />
            </Td>
            {canReplay ? <Td>{t.status === "FAILED" ? <ReplayTaskButton taskId={t.id} status={t.status} compact /> : null}</Td> : null}
          </tr>
        ))}
      </Table>
      <Pager path="/tasks" params={params} nextCursor={nextCursor} shown={items.length} />
    </>
  );
}
