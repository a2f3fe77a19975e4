/** A tenant's pass types: published and latest revision, live passes; operators start a new one. */
import Link from "next/link";
import { api } from "@/app/_trpc/server";
import { getStaff } from "@/app/_lib/staff";
import { orNotFound } from "@/app/_lib/not-found";
import { roleAtLeast } from "@/server/auth/roles";
import { Badge, EmptyState, Mono, PageHeader, Table, Td, TextLink, Time } from "../../../_components/ui";
import { NewPassTypeForm } from "./new-pass-type";

export const dynamic = "force-dynamic";

export default async function PassTypesPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const caller = await api();
  const [tenant, types, staff] = await Promise.all([orNotFound(caller.tenants.get({ tenant: slug })), orNotFound(caller.passTypes.list({ tenant: slug })), getStaff()]);
  const canEdit = !!staff && roleAtLeast(staff.role, "OPERATOR");
  return (
    <>
      <PageHeader
        title="Pass types"
        subtitle={
          <>
            <TextLink href={`/tenants/${tenant.slug}`}>{tenant.name}</TextLink> · each type builds its passes from its published revision
          </>
        }
        actions={canEdit ? <NewPassTypeForm tenant={tenant.slug} existing={types.map((t) => t.key)} /> : null}
      />
      <Table head={["Key", "Name", "Style", "Published", "Latest", "Live passes", "Updated"]} empty={<EmptyState title="No pass types yet" />} testId="pass-types">
        {types.map((t) => (
          <tr key={t.key} className="hover:bg-slate-50" data-testid={`pass-type-row-${t.key}`}>
            <Td>
              <Link href={`/tenants/${tenant.slug}/pass-types/${t.key}`} className="font-medium text-teal-700 hover:underline">
                <Mono>{t.key}</Mono>
              </Link>
            </Td>
            <Td>{t.name}</Td>
            <Td>{t.style}</Td>
            <Td>
              <span data-testid="published-revision">{t.publishedRevision ? <Badge tone="green">revision {t.publishedRevision}</Badge> : "–"}</span>
            </Td>
            <Td>{t.latestRevision !== t.publishedRevision ? <Badge tone="amber">revision {t.latestRevision} unpublished</Badge> : <span className="text-slate-500">same</span>}</Td>
            <Td className="tabular-nums">{t.livePasses}</Td>
            <Td>
              <Time value={t.updatedAt} />
            </Td>
          </tr>
        ))}
      </Table>
    </>
  );
}
