/** Overview: per tenant, webhooks, task outcomes and pushes over the last 24 h or 7 days. */
import Link from "next/link";
import { HydrateClient, prefetch, trpc } from "@/app/_trpc/server";
import { overviewInput } from "@/server/console/overview";
import { PageHeader } from "./_components/ui";
import { OverviewCharts } from "./_components/overview-charts";

export const dynamic = "force-dynamic";

export default async function OverviewPage({ searchParams }: { searchParams: Promise<{ range?: string }> }) {
  const { range } = overviewInput.parse({ range: (await searchParams).range === "7d" ? "7d" : "24h" });
  await prefetch(trpc.overview.stats.queryOptions({ range }));
  const tab = (r: "24h" | "7d", label: string) => (
    <Link
      href={r === "24h" ? "/" : "/?range=7d"}
      aria-current={r === range ? "page" : undefined}
      className={`rounded-md px-3 py-1.5 text-sm font-medium ${r === range ? "bg-teal-700 text-white" : "border border-slate-300 bg-white text-slate-700 hover:bg-slate-50"}`}
    >
      {label}
    </Link>
  );
  return (
    <>
      <PageHeader
        title="Overview"
        subtitle="Webhooks received, sync tasks finished and pushes sent per tenant (UTC). Click a failed count or bar to see the failures."
        actions={
          <>
            {tab("24h", "Last 24 hours")}
            {tab("7d", "Last 7 days")}
          </>
        }
      />
      <HydrateClient>
        <OverviewCharts range={range} />
      </HydrateClient>
    </>
  );
}
