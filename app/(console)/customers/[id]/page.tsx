/** One customer: identifiers, consent, properties, passes and profile sync history. */
import { api } from "@/app/_trpc/server";
import { orNotFound } from "@/app/_lib/not-found";
import { getStaff } from "@/app/_lib/staff";
import { roleAtLeast } from "@/server/auth/roles";
import { Badge, Card, Facts, Json, Mono, PageHeader, Table, Td, TextLink, Time } from "../../_components/ui";
import { TaskSummaryTable } from "../../_components/task-summary";
import { EraseCustomer } from "./erase-customer";

export const dynamic = "force-dynamic";

export default async function CustomerPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const [c, staff] = await Promise.all([orNotFound((await api()).customers.get({ id })), getStaff()]);
  const consent = Object.entries(c.consent).filter((e): e is [string, NonNullable<(typeof e)[1]>] => !!e[1]);
  const canErase = !c.erasedAt && !!staff && roleAtLeast(staff.role, "ADMIN");
  return (
    <>
      <PageHeader
        title={c.erasedAt ? "Erased customer" : (c.email ?? c.phone ?? c.customerId ?? "Customer")}
        subtitle={<>Customer <Mono>{c.id}</Mono> of tenant {c.tenant.slug}</>}
      />
      {c.erasedAt ? (
        <p className="mb-4 text-sm text-slate-600">
          This customer&apos;s personal data was erased <Time value={c.erasedAt} /> (see the audit log); its passes are voided.
        </p>
      ) : null}
      {canErase ? (
        <div className="mb-4">
          <EraseCustomer customerId={c.id} />
        </div>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Identifiers">
          <Facts
            rows={[
              ["Tenant", <TextLink key="t" href={`/tenants/${c.tenant.slug}`}>{c.tenant.name}</TextLink>],
              ["Email", c.email],
              ["Phone", c.phone],
              ["Customer id", c.customerId],
              ["Klaviyo profile", c.klaviyoProfileId],
              ...c.identifiers.map((i): [string, string] => [i.key, i.value]),
              ["Created", <Time key="c" value={c.createdAt} />],
              ["Updated", <Time key="u" value={c.updatedAt} />],
            ]}
          />
        </Card>
        <Card title="Marketing consent">
          {consent.length === 0 ? (
            <p className="text-sm text-slate-500">No consent recorded.</p>
          ) : (
            <Facts
              rows={consent.map(([channel, v]) => [
                channel,
                <div key={channel} className="space-y-1" data-testid={`consent-${channel}`}>
                  <span className="flex flex-wrap items-center gap-2">
                    <Badge tone={v.status === "SUBSCRIBED" ? "green" : "amber"}>{v.status ?? "consent unknown"}</Badge>
                    {v.suppressions.map((s) => (
                      <Badge key={s.reason} tone="red">
                        suppressed: {s.reason}
                      </Badge>
                    ))}
                    <Badge tone={v.canReceiveMarketing ? "green" : "red"}>{v.canReceiveMarketing ? "can receive marketing" : "cannot receive marketing"}</Badge>
                  </span>
                  <div className="text-xs text-slate-500">
                    {v.consentAt ? <>consent <Time value={v.consentAt} />{v.method ? ` (${v.method})` : ""} · </> : null}
                    {v.suppressions.map((s) => (
                      <span key={s.reason}>
                        {s.reason} <Time value={s.timestamp} /> ·{" "}
                      </span>
                    ))}
                    updated <Time value={v.updatedAt} />
                  </div>
                  {v.listSuppressions.length ? (
                    <div className="text-xs text-slate-500">
                      list suppressions: {v.listSuppressions.map((l) => `${l.listId} (${l.reason})`).join(", ")}
                    </div>
                  ) : null}
                </div>,
              ])}
            />
          )}
        </Card>
        <Card title="Passes">
          <Table head={["Serial number", "Pass type", "Updated"]} empty={<p className="text-sm text-slate-500">No passes.</p>}>
            {c.passes.map((p) => (
              <tr key={p.id}>
                <Td>
                  <TextLink href={`/passes/${p.serialNumber}`}>
                    <Mono>{p.serialNumber}</Mono>
                  </TextLink>
                  {p.voided ? <Badge tone="red">voided</Badge> : null}
                </Td>
                <Td>{p.passType.name}</Td>
                <Td>
                  <Time value={p.updatedAt} />
                </Td>
              </tr>
            ))}
          </Table>
        </Card>
        <Card title="Properties">
          <Json value={c.properties} />
        </Card>
        <Card title="Profile sync history" className="lg:col-span-2">
          <TaskSummaryTable tasks={c.history} empty="No sync task has touched this customer." />
        </Card>
      </div>
    </>
  );
}
