"use client";
/**
 * The install funnel of a tenant (server/console/funnel.ts): issued → page opened → downloaded →
 * installed → removed over the chosen period, per pass type or all, with each stage's share of
 * the issued passes and a daily chart (recharts).
 */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useTRPC } from "@/app/_trpc/react";
import { ErrorState } from "../../_components/ui";

const STAGES = [
  { stage: "ISSUED", label: "Issued", color: "#0f766e" },
  { stage: "PAGE_OPENED", label: "Page opened", color: "#0284c7" },
  { stage: "DOWNLOADED", label: "Downloaded", color: "#7c3aed" },
  { stage: "INSTALLED", label: "Installed", color: "#059669" },
  { stage: "REMOVED", label: "Removed", color: "#e11d48" },
] as const;

const PERIODS = [7, 30, 90] as const;

export function InstallFunnel({ tenant, passTypes }: { tenant: string; passTypes: { key: string; name: string }[] }) {
  const trpc = useTRPC();
  const [passType, setPassType] = useState("");
  const [days, setDays] = useState<number>(30);
  const funnel = useQuery({ ...trpc.enrolment.funnel.queryOptions({ tenant, passType: passType || undefined, days }), refetchInterval: 60_000 });
  const selectClass = "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";
  return (
    <div className="space-y-4" data-testid="install-funnel">
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          Pass type
          <select value={passType} onChange={(e) => setPassType(e.target.value)} className={selectClass} name="funnelPassType">
            <option value="">All</option>
            {passTypes.map((t) => (
              <option key={t.key} value={t.key}>
                {t.name} ({t.key})
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          Period
          <select value={days} onChange={(e) => setDays(Number(e.target.value))} className={selectClass} name="funnelDays">
            {PERIODS.map((d) => (
              <option key={d} value={d}>
                last {d} days
              </option>
            ))}
          </select>
        </label>
      </div>
      {funnel.isPending ? (
        <p className="text-sm text-slate-500">Loading…</p>
      ) : funnel.isError ? (
        <ErrorState title="Could not load the funnel">{funnel.error.message}</ErrorState>
      ) : (
        <FunnelView data={funnel.data} />
      )}
    </div>
  );
}

type Funnel = { totals: { stage: string; count: number; apple: number; google: number }[]; days: ({ day: Date } & Record<string, number | Date>)[] };

function FunnelView({ data }: { data: Funnel }) {
  const issued = data.totals.find((t) => t.stage === "ISSUED")?.count ?? 0;
  const chart = data.days.map((d) => ({ ...d, label: new Date(d.day).toISOString().slice(5, 10) }));
  return (
    <>
      <ol className="grid grid-cols-2 gap-3 sm:grid-cols-5">
        {STAGES.map((s) => {
          const t = data.totals.find((x) => x.stage === s.stage)!;
          return (
            <li key={s.stage} className="rounded-md border border-slate-200 p-3" data-testid={`funnel-${s.stage}`}>
              <p className="text-xs font-medium text-slate-500">{s.label}</p>
              <p className="text-2xl font-semibold tabular-nums" style={{ color: s.color }} data-testid={`funnel-count-${s.stage}`}>
                {t.count.toLocaleString("en-US")}
              </p>
              <p className="text-xs text-slate-500">
                {s.stage === "ISSUED" ? "passes issued" : issued ? `${Math.round((t.count / issued) * 100)} % of issued` : "–"}
                {t.apple || t.google ? ` · Apple ${t.apple}, Google ${t.google}` : ""}
              </p>
            </li>
          );
        })}
      </ol>
      <div className="h-64" data-testid="funnel-chart">
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={chart} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
            <XAxis dataKey="label" tick={{ fontSize: 11 }} interval="preserveStartEnd" />
            <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
            <Tooltip />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Bar dataKey="ISSUED" name="Issued" fill="#0f766e" isAnimationActive={false} />
            {STAGES.slice(1).map((s) => (
              <Line key={s.stage} type="monotone" dataKey={s.stage} name={s.label} stroke={s.color} dot={false} isAnimationActive={false} />
            ))}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <p className="text-xs text-slate-500">Counts of pass events per UTC day (a page opened twice counts twice); removed passes stay counted as installed on the day they were.</p>
    </>
  );
}
