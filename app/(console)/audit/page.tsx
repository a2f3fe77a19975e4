/** The audit log: replays, API keys, settings, staff and tenant changes, newest first. */
import { api } from "@/app/_trpc/server";
import { parseParams, type SearchParams } from "@/app/_lib/search-params";
import { auditListInput } from "@/server/console/audit";
import { EmptyState, ErrorState, Mono, PageHeader, Table, Td, TextLink, Time } from "../_components/ui";
import { FilterForm } from "../_components/filter-form";
import { Pager } from "../_components/pager";

export const dynamic = "force-dynamic";

/** Where an audit entry's target lives in the console, when it has a page. */
function targetHref(type: string, id: string | null): string | null {
  if (!id) return null;
  if (type === "SyncTask") return `/tasks/${id}`;
  if (type === "WebhookReceipt") return `/receipts/${id}`;
  if (type === "Customer") return `/customers/${id}`;
  return null;
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const parsed = parseParams(auditListInput, await searchParams);
  const caller = await api();
  const [tenants, actions, page] = await Promise.all([caller.tenants.choices(), caller.audit.actions(), parsed.ok ? caller.audit.list(parsed.data) : null]);
  return (
    <>
      <PageHeader title="Audit log" subtitle="Who did what: replays, API keys, settings, staff and tenants." />
      <FilterForm
        values={parsed.raw}
        fields={[
          { name: "tenant", label: "Tenant", type: "select", options: tenants.map((t) => ({ value: t.slug, label: `${t.slug} (${t.name})` })) },
          { name: "action", label: "Action", type: "select", options: actions.map((a) => ({ value: a })) },
          { name: "actor", label: "Actor", type: "text", placeholder: "email, cli or system" },
          { name: "from", label: "From (UTC)", type: "datetime" },
          { name: "to", label: "To (UTC)", type: "datetime" },
        ]}
      />
      {!page ? (
        <ErrorState title="These filters are not valid">{!parsed.ok && parsed.problems.join("; ")}</ErrorState>
      ) : (
        <>
          <Table head={["When", "Actor", "Action", "Tenant", "Target", "Details"]} empty={<EmptyState title="No audit entries match these filters" />}>
            {page.items.map((a) => {
              const href = targetHref(a.targetType, a.targetId);
              return (
                <tr key={a.id} data-testid="audit-row">
                  <Td>
                    <Time value={a.createdAt} />
                  </Td>
                  <Td>{a.actor}</Td>
                  <Td>
                    <Mono>{a.action}</Mono>
                  </Td>
                  <Td>{a.tenant?.slug ?? "–"}</Td>
                  <Td>
                    {a.targetType} {href ? <TextLink href={href}><Mono>{a.targetId}</Mono></TextLink> : <Mono>{a.targetId ?? ""}</Mono>}
                  </Td>
                  <Td>
                    <code className="break-all text-xs text-slate-600">{JSON.stringify(a.details)}</code>
                  </Td>
                </tr>
              );
            })}
          </Table>
          <Pager path="/audit" params={parsed.raw} nextCursor={page.nextCursor} shown={page.items.length} />
        </>
      )}
    </>
  );
}
