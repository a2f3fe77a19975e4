/**
 * The pass type editor: the latest revision of the type (or, for an operator on a key the tenant
 * does not have yet, the blank definition a new type starts from) in a form with a live preview.
 * Viewers see it read-only.
 */
import { TRPCError } from "@trpc/server";
import { notFound } from "next/navigation";
import { api } from "@/app/_trpc/server";
import { getStaff } from "@/app/_lib/staff";
import { orNotFound } from "@/app/_lib/not-found";
import { roleAtLeast } from "@/server/auth/roles";
import { EDITOR_VOCABULARY } from "@/server/console/pass-types";
import { PageHeader, TextLink } from "../../../../_components/ui";
import { PassTypeEditor } from "./editor";

export const dynamic = "force-dynamic";

export default async function PassTypeEditorPage({ params, searchParams }: { params: Promise<{ slug: string; key: string }>; searchParams: Promise<{ name?: string | string[] }> }) {
  const [{ slug, key }, { name }] = await Promise.all([params, searchParams]);
  const caller = await api();
  const [tenant, staff] = await Promise.all([orNotFound(caller.tenants.get({ tenant: slug })), getStaff()]);
  const canEdit = !!staff && roleAtLeast(staff.role, "OPERATOR");
  let shown: Awaited<ReturnType<typeof caller.passTypes.get>> | null = null;
  try {
    shown = await caller.passTypes.get({ tenant: slug, key });
  } catch (err) {
    if (!(err instanceof TRPCError && err.code === "NOT_FOUND")) throw err;
    if (!canEdit) notFound(); // a new type is for operators to create
  }
  const latest = shown && shown.latestRevision !== shown.revision ? await caller.passTypes.get({ tenant: slug, key, revision: shown.latestRevision! }) : shown;
  const blank = latest ? null : await caller.passTypes.blank({ tenant: slug });
  const typeName = latest?.name ?? (typeof name === "string" && name.trim() ? name.trim() : key);
  return (
    <>
      <PageHeader
        title={latest ? `${typeName}` : `New pass type ${key}`}
        subtitle={
          <>
            <TextLink href={`/tenants/${tenant.slug}`}>{tenant.name}</TextLink> · <TextLink href={`/tenants/${tenant.slug}/pass-types`}>pass types</TextLink> · key{" "}
            <span className="font-mono text-xs">{key}</span>
            {canEdit ? null : " · read-only (viewer)"}
          </>
        }
      />
      <PassTypeEditor
        tenant={tenant.slug}
        passTypeKey={key}
        initialName={typeName}
        initialDefinition={latest?.definition ?? blank!}
        initialRevision={latest?.revision ?? null}
        isNew={!latest}
        canEdit={canEdit}
        customIdentifierKeys={tenant.customIdentifierKeys}
        vocabulary={EDITOR_VOCABULARY}
      />
    </>
  );
}
