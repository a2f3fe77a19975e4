"use client";
/**
 * Replay controls for operators: replay one task (a SUCCEEDED one only with an explicit "again"),
 * and replay every FAILED task matching the list's filters after a confirmation stating how many.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/app/_trpc/react";
import type { ReplayFilter as ReplayFilterInput } from "@/server/tasks/queries";

const button = "rounded-md px-3 py-1.5 text-sm font-medium disabled:opacity-60";

/** Replays one task and opens the new one. */
export function ReplayTaskButton({ taskId, status, compact = false }: { taskId: string; status: string; compact?: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const replay = useMutation(
    trpc.tasks.replay.mutationOptions({
      onSuccess: (task) => {
        void queryClient.invalidateQueries({ queryKey: trpc.tasks.list.queryKey() });
        if (compact) router.refresh();
        else router.push(`/tasks/${task.id}`);
      },
    }),
  );
  if (status !== "FAILED" && status !== "SUCCEEDED") return null;
  const force = status === "SUCCEEDED";
  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        disabled={replay.isPending || replay.isSuccess}
        className={`${button} ${force ? "border border-slate-300 text-slate-700 hover:bg-slate-50" : "bg-amber-600 text-white hover:bg-amber-700"} ${compact ? "px-2 py-1 text-xs" : ""}`}
        onClick={() => {
          if (force && !window.confirm("This task SUCCEEDED. Run its input again as a new task?")) return;
          replay.mutate({ taskId, force });
        }}
      >
        {replay.isSuccess ? "Replayed" : force ? "Replay again" : "Replay"}
      </button>
      {replay.error ? <span className="text-xs text-rose-700">{replay.error.message}</span> : null}
    </span>
  );
}

/** "Replay all failed tasks matching these filters", confirmed with the count. */
export function ReplayMatching({ filter, disabledReason }: { filter: ReplayFilterInput; disabledReason: string | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const count = useQuery({ ...trpc.tasks.replayableCount.queryOptions(filter), enabled: confirming, staleTime: 0 });
  const replay = useMutation(
    trpc.tasks.replayMatching.mutationOptions({
      onSuccess: () => {
        setConfirming(false);
        void queryClient.invalidateQueries({ queryKey: trpc.tasks.pathKey() });
      },
    }),
  );
  const described = [filter.tenant && `tenant ${filter.tenant}`, filter.kind, filter.errorCode && `error ${filter.errorCode}`, (filter.from || filter.to) && "in the chosen time range"].filter(Boolean).join(", ");
  return (
    <div className="mb-4 flex flex-wrap items-center gap-3 text-sm" data-testid="replay-matching">
      {!confirming ? (
        <button
          type="button"
          disabled={!!disabledReason}
          title={disabledReason ?? undefined}
          className={`${button} border border-amber-500 text-amber-800 hover:bg-amber-50`}
          onClick={() => {
            replay.reset();
            setConfirming(true);
          }}
        >
          Replay failed tasks matching these filters…
        </button>
      ) : (
        <div className="flex flex-wrap items-center gap-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2" role="alertdialog" aria-label="Confirm replay">
          {count.isPending ? (
            <span>Counting…</span>
          ) : count.isError ? (
            <span className="text-rose-700">{count.error.message}</span>
          ) : count.data === 0 ? (
            <span>No failed task matching these filters is waiting for a replay.</span>
          ) : (
            <>
              <span data-testid="replay-count">
                Replay <b>{count.data}</b> failed task{count.data === 1 ? "" : "s"}
                {described ? ` (${described})` : " across all tenants"}? Each runs again as a new task.
              </span>
              <button type="button" disabled={replay.isPending} className={`${button} bg-amber-600 text-white hover:bg-amber-700`} onClick={() => replay.mutate(filter)}>
                Replay {count.data} task{count.data === 1 ? "" : "s"}
              </button>
            </>
          )}
          <button type="button" className={`${button} border border-slate-300 bg-white`} onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      )}
      {disabledReason ? <span className="text-xs text-slate-500">{disabledReason}</span> : null}
      {replay.data ? <span className="text-emerald-700" role="status">Replayed {replay.data.replayed} task{replay.data.replayed === 1 ? "" : "s"}.</span> : null}
      {replay.error ? <span className="text-rose-700">{replay.error.message}</span> : null}
    </div>
  );
}
