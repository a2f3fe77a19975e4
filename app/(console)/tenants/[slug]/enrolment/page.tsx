/** Bulk enrolment of a tenant: the CSV upload (operators) and its imports with their progress and refused rows. */
import { api, HydrateClient, prefetch, trpc } from "@/app/_trpc/server";
import { getStaff } from "@/app/_lib/staff";
import { orNotFound } from "@/app/_lib/not-found";
import { roleAtLeast } from "@/server/auth/roles";
import { STANDARD_IDENTIFIER_KEYS } from "@/server/identifiers/identifiers";
import { Card, Mono, PageHeader, TextLink } from "../../../_components/ui";
import { ImportList, ImportUpload } from "./imports";

export const dynamic = "force-dynamic";

export default async function EnrolmentPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const caller = await api();
  const [tenant, staff] = await Promise.all([orNotFound(caller.tenants.get({ tenant: slug })), getStaff(), prefetch(trpc.enrolment.imports.queryOptions({ tenant: slug }))]);
  const canUpload = !!staff && roleAtLeast(staff.role, "OPERATOR");
  const identifiers = [...STANDARD_IDENTIFIER_KEYS, ...tenant.customIdentifierKeys];
  return (
    <>
      <PageHeader
        title="Bulk enrolment"
        subtitle={
          <>
            <TextLink href={`/tenants/${tenant.slug}`}>{tenant.name}</TextLink> · issue a pass to every customer of a CSV file; a customer who already holds one keeps it
          </>
        }
      />
      <div className="grid gap-6">
        {canUpload ? (
          <Card title="Upload customers">
            <ImportUpload tenant={tenant.slug} passTypes={tenant.passTypes.map((p) => ({ key: p.key, name: p.name }))} />
            <div className="mt-4 space-y-1 text-xs text-slate-500">
              <p>
                The first row names the columns: identifiers (<Mono>{identifiers.join(", ")}</Mono>, at least one) and the pass type&apos;s field keys (
                {tenant.passTypes.map((p) => (
                  <span key={p.key}>
                    <Mono>{p.key}</Mono>: {(p.fields as { key: string }[]).map((f) => f.key).join(", ")};{" "}
                  </span>
                ))}
                ), typed like pushUpdate&apos;s additionalData. A blank cell is not given.
              </p>
              <p>Refused rows (row number, column, reason) are kept for download; the other rows are issued. Uploading the same file again issues nothing new.</p>
            </div>
          </Card>
        ) : null}
        <Card title="Imports">
          <HydrateClient>
            <ImportList tenant={tenant.slug} />
          </HydrateClient>
        </Card>
      </div>
    </>
  );
}
