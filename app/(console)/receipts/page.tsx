/** Webhook receipts: every webhook request answered, filterable by tenant, endpoint, status and time. */
import Link from "next/link";
import { WebhookEndpoint } from "@prisma/client";
import { api } from "@/app/_trpc/server";
import { parseParams, type SearchParams } from "@/app/_lib/search-params";
import { receiptListInput } from "@/server/console/receipts";
import { EmptyState, ErrorState, HttpStatus, PageHeader, StatusBadge, Table, Td, Time } from "../_components/ui";
import { ShortId } from "../_components/short-id";
import { FilterForm } from "../_components/filter-form";
import { Pager } from "../_components/pager";

export const dynamic = "force-dynamic";

export default async function ReceiptsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const parsed = parseParams(receiptListInput, await searchParams);
  const caller = await api();
  const tenants = await caller.tenants.choices();
  const page = parsed.ok ? await caller.receipts.list(parsed.data) : null;
  return (
    <>
      <PageHeader title="Webhook receipts" subtitle="Every Klaviyo webhook Passflow answered, stored before the answer left." />
      <FilterForm
        values={parsed.raw}
        fields={[
          { name: "tenant", label: "Tenant", type: "select", options: tenants.map((t) => ({ value: t.slug, label: `${t.slug} (${t.name})` })) },
          { name: "endpoint", label: "Endpoint", type: "select", options: Object.values(WebhookEndpoint).map((v) => ({ value: v })) },
          { name: "status", label: "Response", type: "select", options: ["2xx", "4xx", "5xx", "200", "202", "400", "401", "403", "429", "503"].map((v) => ({ value: v })) },
          { name: "correlationId", label: "Correlation id", type: "text" },
          { name: "from", label: "From (UTC)", type: "datetime" },
          { name: "to", label: "To (UTC)", type: "datetime" },
        ]}
      />
      {!parsed.ok ? (
        <ErrorState title="These filters are not valid">{parsed.problems.join("; ")}</ErrorState>
      ) : (
        <>
          <Table
            head={["Received", "Tenant", "Endpoint", "Response", "Correlation id", "Tasks"]}
            empty={<EmptyState title="No webhook receipts match these filters">Widen the time range or clear a filter.</EmptyState>}
          >
            {page!.items.map((r) => (
              <tr key={r.id} className="hover:bg-slate-50" data-testid="receipt-row">
                <Td>
                  <Link href={`/receipts/${r.id}`} className="text-teal-700 hover:underline">
                    <Time value={r.createdAt} />
                  </Link>
                </Td>
                <Td>
                  <div className="max-w-[9rem] truncate" title={r.tenant.slug}>
                    {r.tenant.slug}
                  </div>
                </Td>
                <Td className="whitespace-nowrap">{r.endpoint}</Td>
                <Td>
                  <HttpStatus code={r.responseStatus} />
                </Td>
                <Td>
                  <ShortId id={r.correlationId} />
                </Td>
                <Td>
                  <span className="flex flex-wrap gap-1">
                    {r.tasks.map((t) => (
                      <Link key={t.id} href={`/tasks/${t.id}`}>
                        <StatusBadge status={t.status} />
                      </Link>
                    ))}
                  </span>
                </Td>
              </tr>
            ))}
          </Table>
          <Pager path="/receipts" params={parsed.raw} nextCursor={page!.nextCursor} shown={page!.items.length} />
        </>
      )}
    </>
  );
}
