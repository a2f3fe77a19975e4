/** Tenants (merchants). */
import Link from "next/link";
import { api } from "@/app/_trpc/server";
import { getStaff } from "@/app/_lib/staff";
import { parseParams, type SearchParams } from "@/app/_lib/search-params";
import { roleAtLeast } from "@/server/auth/roles";
import { tenantListInput } from "@/server/console/tenants";
import { Badge, EmptyState, ErrorState, PageHeader, StatusBadge, Table, Td, Time } from "../_components/ui";
import { FilterForm } from "../_components/filter-form";
import { Pager } from "../_components/pager";
import { CreateTenantForm } from "./create-tenant";

export const dynamic = "force-dynamic";

export default async function TenantsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const parsed = parseParams(tenantListInput, await searchParams);
  const [page, staff] = await Promise.all([parsed.ok ? (await api()).tenants.list(parsed.data) : null, getStaff()]);
  return (
    <>
      <PageHeader title="Tenants" subtitle="Merchants whose Klaviyo marketing drives their Wallet passes." actions={staff && roleAtLeast(staff.role, "ADMIN") ? <CreateTenantForm /> : null} />
      <FilterForm values={parsed.raw} fields={[{ name: "q", label: "Slug or name", type: "text" }]} />
      {!page ? (
        <ErrorState title="These filters are not valid">{!parsed.ok && parsed.problems.join("; ")}</ErrorState>
      ) : (
        <>
          <Table head={["Tenant", "Status", "Klaviyo", "Passes", "Customers", "Created"]} empty={<EmptyState title="No tenants match" />}>
            {page.items.map((t) => (
              <tr key={t.id} className="hover:bg-slate-50">
                <Td>
                  <Link href={`/tenants/${t.slug}`} className="font-medium text-teal-700 hover:underline">
                    {t.name}
                  </Link>
                  <div className="text-xs text-slate-500">{t.slug}</div>
                </Td>
                <Td>
                  <StatusBadge status={t.status} />
                </Td>
                <Td>{t.klaviyoEnabled ? <Badge tone="green">enabled</Badge> : <Badge tone="red">disabled</Badge>}</Td>
                <Td className="tabular-nums">{t._count.passes}</Td>
                <Td className="tabular-nums">{t._count.customers}</Td>
                <Td>
                  <Time value={t.createdAt} />
                </Td>
              </tr>
            ))}
          </Table>
          <Pager path="/tenants" params={parsed.raw} nextCursor={page.nextCursor} shown={page.items.length} />
        </>
      )}
    </>
  );
}
