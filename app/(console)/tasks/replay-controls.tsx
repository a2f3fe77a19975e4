"use client";
/**
 * Replay controls for operators: replay one task (a SUCCEEDED one only with an explicit "again"),
 * and replay every FAILED task matching the list's filters after a confirmation stating how many,
 * how many are left out (replayed already) and which will fail again (a final error).
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/app/_trpc/react";
import type { ReplayFilter as ReplayFilterInput } from "@/server/tasks/queries";
import { finalErrorAdvice, isFinalErrorCode } from "@/server/tasks/replay-advice";

const button = "rounded-md px-3 py-1.5 text-sm font-medium disabled:opacity-60";

/** Replays one task and opens the new one. */
export function ReplayTaskButton({ taskId, status, errorCode = null, compact = false }: { taskId: string; status: string; errorCode?: string | null; compact?: boolean }) {
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
  const advice = status === "FAILED" ? finalErrorAdvice(errorCode) : null;
  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        disabled={replay.isPending || replay.isSuccess}
        title={advice ? `${errorCode} is final: a replay runs the same input and fails again unless the cause is fixed first. ${advice}` : undefined}
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
          ) : (
            <ReplayPlan plan={count.data} described={described} pending={replay.isPending} onReplay={() => replay.mutate(filter)} />
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

type Plan = { failed: number; alreadyReplayed: number; replayable: number; errorCodes: { errorCode: string | null; count: number }[] };
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The bulk replay's confirmation: N failed match, M of them replayed already (left out), which will fail again. */
function ReplayPlan({ plan, described, pending, onReplay }: { plan: Plan; described: string; pending: boolean; onReplay: () => void }) {
  const finals = plan.errorCodes.filter((e) => isFinalErrorCode(e.errorCode));
  const finalCount = finals.reduce((n, e) => n + e.count, 0);
  const excluded =
    plan.alreadyReplayed > 0
      ? ` ${plan.alreadyReplayed === plan.failed ? (plan.failed === 1 ? "It was" : "All of them were") : `${plan.alreadyReplayed} of them ${plan.alreadyReplayed === 1 ? "was" : "were"}`} already replayed and ${plan.alreadyReplayed === 1 ? "is" : "are"} excluded (a replay is a task of its own, counted here when it failed too).`
      : "";
  return (
    <div className="space-y-1">
      <p data-testid="replay-count">
        {plan.failed === 0 ? "No failed task matches these filters." : `${plural(plan.failed, "failed task")} ${plan.failed === 1 ? "matches" : "match"} these filters${described ? ` (${described})` : " across all tenants"}.`}
        {excluded}{" "}
        {plan.replayable === 0 ? (
          plan.failed > 0 ? <b>Nothing is waiting for a replay.</b> : null
        ) : (
          <>
            <b>Replay {plural(plan.replayable, "failed task")}</b>? Each runs its input again as a new task.
          </>
        )}
      </p>
      {finalCount > 0 ? (
        <p className="text-rose-800" data-testid="replay-final-warning">
          {finalCount === plan.replayable ? (plan.replayable === 1 ? "It" : "All of them") : plural(finalCount, "of them", "of them")} failed with a final error (
          {finals.map((e) => `${e.errorCode} × ${e.count}`).join(", ")}) and will fail again the same way unless the cause is fixed first: {finals.map((e) => finalErrorAdvice(e.errorCode)).join(" ")}
        </p>
      ) : null}
      {plan.replayable > 0 ? (
        <button type="button" disabled={pending} className={`${button} bg-amber-600 text-white hover:bg-amber-700`} onClick={onReplay}>
          Replay {plural(plan.replayable, "task")}
        </button>
      ) : null}
    </div>
  );
}
