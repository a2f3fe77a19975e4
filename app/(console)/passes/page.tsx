/** Pass search: by email, phone (any format, read with the tenant's region), customerId, custom identifier or serialNumber. */
import { TRPCError } from "@trpc/server";
import { api } from "@/app/_trpc/server";
import { parseParams, type SearchParams } from "@/app/_lib/search-params";
import { passSearchInput } from "@/server/console/passes";
import { Badge, EmptyState, ErrorState, Mono, PageHeader, Table, Td, TextLink, Time } from "../_components/ui";
import { ShortId } from "../_components/short-id";
import { FilterForm } from "../_components/filter-form";
import { Pager } from "../_components/pager";

export const dynamic = "force-dynamic";

const KINDS = [
  { value: "email", label: "Email" },
  { value: "phone", label: "Phone" },
  { value: "customerId", label: "Customer id" },
  { value: "identifier", label: "Custom identifier" },
  { value: "serialNumber", label: "Serial number" },
];

export default async function PassesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const parsed = parseParams(passSearchInput, await searchParams);
  const caller = await api();
  const tenants = await caller.tenants.choices();
  let result: Awaited<ReturnType<typeof caller.passes.search>> | null = null;
  let problem: string | null = parsed.ok ? null : parsed.problems.join("; ");
  if (parsed.ok) {
    try {
      result = await caller.passes.search(parsed.data);
    } catch (err) {
      if (!(err instanceof TRPCError) || (err.code !== "BAD_REQUEST" && err.code !== "NOT_FOUND")) throw err;
      problem = err.message;
    }
  }
  const q = parsed.raw.q;
  return (
    <>
      <PageHeader title="Passes" subtitle="Find a pass by any identifier. Phone numbers may be written in any format; the tenant's region reads them." />
      <FilterForm
        values={parsed.raw}
        fields={[
          { name: "tenant", label: "Tenant", type: "select", options: tenants.map((t) => ({ value: t.slug, label: `${t.slug} (${t.name})` })) },
          { name: "by", label: "Search by", type: "select", options: KINDS },
          { name: "q", label: "Email, phone, customer id, identifier or serial", type: "text", width: "w-80", placeholder: "(415) 555-0100" },
        ]}
      />
      {problem ? (
        <ErrorState title="Cannot search like this">{problem}</ErrorState>
      ) : (
        <>
          {q && result ? (
            <p className="mb-3 text-sm text-slate-600">
              Looked for <Mono>{q}</Mono> as {result.searched.join(", ") || "nothing"}.
            </p>
          ) : null}
          <Table
            head={["Serial number", "Tenant", "Pass type", "Customer", "Matched by", "Points", "Updated"]}
            empty={<EmptyState title={q ? "No pass matches" : "No passes yet"}>{q ? "Check the tenant, or search by another identifier." : null}</EmptyState>}
          >
            {result!.items.map((p) => (
              <tr key={p.id} className="hover:bg-slate-50" data-testid="pass-row">
                <Td className="whitespace-nowrap">
                  <ShortId id={p.serialNumber} href={`/passes/${encodeURIComponent(p.serialNumber)}`} />
                  {p.voided ? <Badge tone="red">voided</Badge> : null}
                </Td>
                <Td>
                  <div className="max-w-[9rem] truncate" title={p.tenant.slug}>
                    {p.tenant.slug}
                  </div>
                </Td>
                <Td>{p.passType.name}</Td>
                <Td>
                  <TextLink href={`/customers/${p.customer.id}`}>{p.customer.email ?? p.customer.phone ?? p.customer.customerId ?? p.customer.id}</TextLink>
                  <div className="text-xs text-slate-500">{[p.customer.phone, p.customer.customerId].filter(Boolean).join(" · ")}</div>
                </Td>
                <Td>
                  {p.matchedBy.map((m) => (
                    <Badge key={m} tone="blue">
                      {m}
                    </Badge>
                  ))}
                </Td>
                <Td className="tabular-nums">{String((p.data as Record<string, unknown>)?.points ?? "–")}</Td>
                <Td>
                  <Time value={p.updatedAt} />
                </Td>
              </tr>
            ))}
          </Table>
          <Pager path="/passes" params={parsed.raw} nextCursor={result!.nextCursor} shown={result!.items.length} />
        </>
      )}
    </>
  );
}
