/** Overview: per tenant, webhooks, task outcomes and pushes over the last 24 h or 7 days. */
import Link from "next/link";
import { api, HydrateClient, prefetch, trpc } from "@/app/_trpc/server";
import { overviewInput } from "@/server/console/overview";
import { Badge, Card, Facts, PageHeader, Time } from "./_components/ui";
import { OverviewCharts } from "./_components/overview-charts";

export const dynamic = "force-dynamic";

export default async function OverviewPage({ searchParams }: { searchParams: Promise<{ range?: string }> }) {
  const { range } = overviewInput.parse({ range: (await searchParams).range === "7d" ? "7d" : "24h" });
  const [, retention] = await Promise.all([prefetch(trpc.overview.stats.queryOptions({ range })), (await api()).overview.retention()]);
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
      <div className="mt-6" data-testid="retention-run">
        <Card title="Data retention (last run)">
          {retention ? (
            <Facts
              rows={[
                ["Started", <Time key="s" value={retention.startedAt} />],
                ["Finished", retention.finishedAt ? <Time key="f" value={retention.finishedAt} /> : <Badge key="f" tone="amber">not finished (the next run continues it)</Badge>],
                ["Webhook bodies removed", retention.receiptBodiesPurged.toLocaleString("en-US")],
                ["Receipts deleted", retention.receiptsDeleted.toLocaleString("en-US")],
                ["Sync tasks deleted", retention.tasksDeleted.toLocaleString("en-US")],
                ["Pass changes deleted", retention.passChangesDeleted.toLocaleString("en-US")],
                ["Pass events deleted", retention.passEventsDeleted.toLocaleString("en-US")],
                ["Google Wallet PATCH records deleted", retention.googlePatchesDeleted.toLocaleString("en-US")],
                ["Finished bulk enrolments deleted", retention.passImportsDeleted.toLocaleString("en-US")],
                ["Push deliveries deleted", retention.pushDeliveriesDeleted.toLocaleString("en-US")],
              ]}
            />
          ) : (
            <p className="text-sm text-slate-500">Retention has not run yet (hourly, per tenant settings on the tenant page).</p>
          )}
          <p className="mt-3 text-xs text-slate-500">The charts count deleted rows too: retention adds them to daily totals before deleting.</p>
        </Card>
      </div>
    </>
  );
}
