"use client";
/**
 * Bulk enrolment in the console: the CSV upload (operators) and the tenant's imports with their
 * progress, refreshed every second while one runs, and the download of each one's refused rows.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/app/_trpc/react";
import { Badge, EmptyState, ErrorState, StatusBadge, Table, Td, Time } from "../../../_components/ui";

interface Problem {
  detail?: string;
  errors?: { field: string; message: string }[];
}

export function ImportUpload({ tenant, passTypes }: { tenant: string; passTypes: { key: string; name: string }[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [stored, setStored] = useState<{ id: string; total: number } | null>(null);
  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const file = form.get("file");
    if (!(file instanceof File) || !file.size) return setProblem({ detail: "choose a CSV file" });
    setSending(true);
    setProblem(null);
    setStored(null);
    try {
      const query = new URLSearchParams({ passType: String(form.get("passType")), fileName: file.name });
      const res = await fetch(`/api/console/tenants/${encodeURIComponent(tenant)}/pass-imports?${query}`, { method: "POST", body: file, headers: { "content-type": "text/csv" } });
      const body = (await res.json()) as Problem & { id: string; total: number };
      if (!res.ok) return setProblem(body);
      setStored({ id: body.id, total: body.total });
      await queryClient.invalidateQueries({ queryKey: trpc.enrolment.imports.queryKey({ tenant }) });
    } catch (err) {
      setProblem({ detail: (err as Error).message });
    } finally {
      setSending(false);
    }
  }
  return (
    <form onSubmit={submit} className="space-y-3" data-testid="import-upload">
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          Pass type
          <select name="passType" className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm">
            {passTypes.map((t) => (
              <option key={t.key} value={t.key}>
                {t.name} ({t.key})
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          CSV file
          <input type="file" name="file" accept=".csv,text/csv" className="text-sm" />
        </label>
        <button type="submit" disabled={sending} className="rounded-md bg-teal-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-teal-800 disabled:opacity-60">
          {sending ? "Uploading…" : "Upload and issue passes"}
        </button>
      </div>
      {stored ? (
        <p className="text-sm text-emerald-800" role="status">
          Stored {stored.total.toLocaleString("en-US")} rows; the passes are being issued (progress below).
        </p>
      ) : null}
      {problem ? (
        <div data-testid="import-problem">
          <ErrorState title="The file was not accepted">
            <p>{problem.detail}</p>
            {problem.errors?.map((e) => (
              <p key={e.field}>
                <span className="font-mono text-xs">{e.field}</span>: {e.message}
              </p>
            ))}
          </ErrorState>
        </div>
      ) : null}
    </form>
  );
}

export function ImportList({ tenant }: { tenant: string }) {
  const trpc = useTRPC();
  const imports = useQuery({
    ...trpc.enrolment.imports.queryOptions({ tenant }),
    refetchInterval: (q) => (q.state.data?.some((i) => i.status === "QUEUED" || i.status === "RUNNING") ? 1000 : false),
  });
  if (imports.isPending) return <p className="text-sm text-slate-500">Loading…</p>;
  if (imports.isError) return <ErrorState title="Could not load the imports">{imports.error.message}</ErrorState>;
  return (
    <Table head={["File", "Pass type", "Status", "Progress", "Issued", "Had one", "Refused", "Rate", "Started", "By"]} empty={<EmptyState title="No imports yet" />} testId="imports">
      {imports.data.map((i) => (
        <tr key={i.id} data-testid="import-row" data-import-id={i.id}>
          <Td className="max-w-48 truncate">{i.fileName ?? i.id}</Td>
          <Td>
            <span className="font-mono text-xs">{i.passType}</span>
          </Td>
          <Td>
            <StatusBadge status={i.status} />
          </Td>
          <Td className="min-w-40">
            <div className="h-2 w-full overflow-hidden rounded bg-slate-200" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={i.percent}>
              <div className="h-2 bg-teal-600" style={{ width: `${i.percent}%` }} />
            </div>
            <span className="text-xs tabular-nums text-slate-600" data-testid="import-progress">
              {i.done.toLocaleString("en-US")} / {i.total.toLocaleString("en-US")} rows ({i.percent} %)
            </span>
          </Td>
          <Td className="tabular-nums">
            <span data-testid="import-issued">{i.issued.toLocaleString("en-US")}</span>
          </Td>
          <Td className="tabular-nums">{i.existing.toLocaleString("en-US")}</Td>
          <Td className="tabular-nums">
            {i.failed ? (
              <a href={`/api/console/pass-imports/${i.id}/errors`} className="font-medium text-rose-700 hover:underline" data-testid="import-errors" download>
                {i.failed.toLocaleString("en-US")} (errors.csv)
              </a>
            ) : (
              <span data-testid="import-refused">0</span>
            )}
          </Td>
          <Td className="tabular-nums text-xs">{i.status === "RUNNING" ? `${i.rowsPerSecond ?? "…"} rows/s${i.etaSeconds !== null ? `, ~${i.etaSeconds} s` : ""}` : i.rowsPerSecond !== null ? `${i.rowsPerSecond} rows/s` : "–"}</Td>
          <Td>
            <Time value={i.startedAt ?? i.createdAt} />
          </Td>
          <Td className="text-xs">{i.lastError ? <Badge tone="red">{i.lastError}</Badge> : i.actor}</Td>
        </tr>
      ))}
    </Table>
  );
}
