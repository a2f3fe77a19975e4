"use client";
/** Overview charts (recharts): one card per tenant, bars for task outcomes, lines for webhooks and pushes. */
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useQuery } from "@tanstack/react-query";
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useTRPC } from "@/app/_trpc/react";
import { queryString } from "@/app/_lib/format";
import { EmptyState, ErrorState } from "./ui";

function label(at: Date, range: "24h" | "7d") {
  const iso = at.toISOString();
  return range === "24h" ? `${iso.slice(11, 13)}:00` : iso.slice(5, 10);
}

export function OverviewCharts({ range }: { range: "24h" | "7d" }) {
  const trpc = useTRPC();
  const router = useRouter();
  const stats = useQuery({ ...trpc.overview.stats.queryOptions({ range }), refetchInterval: 30_000 });
  if (stats.isPending) return <p className="text-sm text-slate-500">Loading…</p>;
  if (stats.isError) return <ErrorState title="Could not load the overview">{stats.error.message}</ErrorState>;
  const { tenants, from, bucketMs } = stats.data;
  if (tenants.length === 0) return <EmptyState title="No tenants yet">Create one with `npm run cli -- tenant create`.</EmptyState>;
  const failuresHref = (slug: string, start = from, end?: Date) => `/tasks${queryString({ tenant: slug, status: "FAILED", from: start, to: end })}`;
  return (
    <div className="grid gap-6 xl:grid-cols-2">
      {tenants.map((t) => {
        const data = t.series.map((p) => ({ ...p, label: label(p.at, range) }));
        return (
          <section key={t.slug} className="min-w-0 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid={`overview-${t.slug}`}>
            <header className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
              <h2 className="font-semibold text-slate-800">
                <Link href={`/tenants/${t.slug}`} className="hover:underline">
                  {t.name}
                </Link>{" "}
                <span className="text-xs font-normal text-slate-500">{t.slug}</span>
              </h2>
              <div className="flex flex-wrap gap-3 text-xs text-slate-600">
                <Link href={`/receipts${queryString({ tenant: t.slug, from })}`} className="hover:underline">
                  <b className="text-slate-900">{t.totals.webhooks}</b> webhooks
                </Link>
                <Link href={`/tasks${queryString({ tenant: t.slug, status: "SUCCEEDED", from })}`} className="hover:underline">
                  <b className="text-emerald-700">{t.totals.succeeded}</b> succeeded
                </Link>
                <Link href={failuresHref(t.slug)} className="hover:underline" data-testid={`failed-link-${t.slug}`}>
                  <b className="text-rose-700">{t.totals.failed}</b> failed
                </Link>
                <span>
                  <b className="text-sky-700">{t.totals.pushes}</b> pushes
                  {t.totals.pushFailures ? <span className="text-rose-700"> ({t.totals.pushFailures} not delivered)</span> : null}
                </span>
              </div>
            </header>
            <div className="h-56">
              <ResponsiveContainer width="100%" height="100%">
                <ComposedChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
                  <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
                  <XAxis dataKey="label" tick={{ fontSize: 11 }} interval="preserveStartEnd" />
                  <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
                  <Tooltip />
                  <Legend wrapperStyle={{ fontSize: 12 }} />
                  <Bar dataKey="succeeded" name="Tasks succeeded" stackId="tasks" fill="#059669" isAnimationActive={false} />
                  <Bar
                    dataKey="failed"
                    name="Tasks failed"
                    stackId="tasks"
                    fill="#e11d48"
                    cursor="pointer"
                    isAnimationActive={false}
                    onClick={(entry: { payload?: { at: Date } }) => {
                      const at = entry.payload?.at;
                      if (at) router.push(failuresHref(t.slug, at, new Date(at.getTime() + bucketMs)));
                    }}
                  />
                  <Line type="monotone" dataKey="webhooks" name="Webhooks" stroke="#0f172a" dot={false} isAnimationActive={false} />
                  <Line type="monotone" dataKey="pushes" name="Pushes sent" stroke="#0284c7" dot={false} isAnimationActive={false} />
                </ComposedChart>
              </ResponsiveContainer>
            </div>
          </section>
        );
      })}
    </div>
  );
}
