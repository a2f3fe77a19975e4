/**
 * One pass, for "why didn't this customer's pass update?": the preview, data and metadata, every
 * change with the webhook that caused it, recent tasks (failed ones too), devices, and each push
 * with its APNs answer and how far the device got (accepted → listed → downloaded, or stalled).
 */
import { GooglePreview } from "@/app/_components/google-preview";
import { api } from "@/app/_trpc/server";
import { getStaff } from "@/app/_lib/staff";
import { roleAtLeast } from "@/server/auth/roles";
import { orNotFound } from "@/app/_lib/not-found";
import { Badge, Card, EmptyState, Facts, Json, Mono, PageHeader, StatusBadge, Table, Td, TextLink, Time } from "../../_components/ui";
import { PassPreview } from "@/app/_components/pass-preview";
import { ShortId } from "../../_components/short-id";
import { TaskSummaryTable } from "../../_components/task-summary";

export const dynamic = "force-dynamic";

type Change = { before?: unknown; after?: unknown };

/** Why the notification budget muted a change (PassChange.mutedReason): applied and fetched silently. */
const MUTED_REASONS: Record<string, string> = {
  daily_limit: "the tenant's alerts per pass per 24 h were spent (applied silently)",
  spacing: "too soon after the pass's last alert (applied silently)",
};

/** "points: 980 → 1250" lines for field changes; other entries as JSON. */
function ChangeList({ changes }: { changes: unknown }) {
  const entries = Object.entries((changes ?? {}) as Record<string, unknown>);
  if (!entries.length) return <span className="text-slate-500">no field changes</span>;
  const show = (v: unknown) => (v === undefined || v === null ? "∅" : typeof v === "object" ? JSON.stringify(v) : String(v));
  return (
    <ul className="space-y-0.5 font-mono text-xs">
      {entries.map(([field, value]) => {
        const c = value as Change;
        const isDiff = value !== null && typeof value === "object" && ("before" in c || "after" in c);
        return (
          <li key={field}>
            <span className="text-slate-500">{field}:</span> {isDiff ? `${show(c.before)} → ${show(c.after)}` : show(value)}
          </li>
        );
      })}
    </ul>
  );
}

export default async function PassPage({ params }: { params: Promise<{ serialNumber: string }> }) {
  const { serialNumber } = await params;
  const [pass, staff] = await Promise.all([orNotFound((await api()).passes.get({ serialNumber: decodeURIComponent(serialNumber) })), getStaff()]);
  const canDownload = !!staff && roleAtLeast(staff.role, "OPERATOR");
  const { funnel } = pass;
  return (
    <>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
            Pass <Mono>{pass.serialNumber}</Mono> {pass.voided ? <Badge tone="red">voided</Badge> : null}
          </span>
        }
        subtitle={`${pass.passType.name} (${pass.passType.key}) · tenant ${pass.tenant.slug}`}
        actions={
          canDownload ? (
            <a
              href={`/api/console/passes/${encodeURIComponent(pass.serialNumber)}/pkpass`}
              download
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50"
            >
              Download .pkpass
            </a>
          ) : null
        }
      />
      <div className="grid gap-6 xl:grid-cols-[auto_1fr]">
        <div className="space-y-4">
          <PassPreview preview={pass.preview} />
          {pass.preview.fields.backFields.length ? (
            <Card title="Back of the pass">
              <Facts rows={pass.preview.fields.backFields.map((f) => [f.label, f.value])} />
            </Card>
          ) : null}
        </div>
        <div className="grid min-w-0 gap-6 lg:grid-cols-2">
          <Card title="Pass">
            <Facts
              rows={[
                ["Tenant", <TextLink key="t" href={`/tenants/${pass.tenant.slug}`}>{pass.tenant.name}</TextLink>],
                ["Pass type", `${pass.passType.name} (${pass.passType.key})`],
                ["passTypeIdentifier", <Mono key="pti">{pass.passType.passTypeIdentifier}</Mono>],
                ["Version tag", <Mono key="v">{pass.versionTag.toString()}</Mono>],
                ["Created", <Time key="c" value={pass.createdAt} />],
                ["Updated", <Time key="u" value={pass.updatedAt} />],
              ]}
            />
          </Card>
          <Card title="Customer">
            <Facts
              rows={[
                ["Customer", <TextLink key="c" href={`/customers/${pass.customer.id}`}>{pass.customer.email ?? pass.customer.id}</TextLink>],
                ["Phone", pass.customer.phone],
                ["Customer id", pass.customer.customerId],
                ...pass.customer.identifiers.map((i): [string, string] => [i.key, i.value]),
              ]}
            />
          </Card>
          <Card title="Data">
            <Json value={pass.data} />
          </Card>
          <Card title="Metadata">
            <Json value={pass.metadata} />
          </Card>
        </div>
      </div>

      <div className="mt-6 grid gap-6">
        <Card title="Timeline: every change and the webhook behind it">
          {pass.changes.length === 0 ? (
            <EmptyState title="No changes since the pass was issued" />
          ) : (
            <ol className="relative space-y-4 border-l border-slate-200 pl-5" data-testid="pass-timeline">
              {pass.changes.map((c) => (
                <li key={c.id} className="relative">
                  <span className="absolute -left-[25px] top-1.5 h-2.5 w-2.5 rounded-full bg-teal-600" />
                  <div className="flex flex-wrap items-center gap-2 text-xs text-slate-500">
                    <Time value={c.createdAt} /> · version <Mono>{c.versionTag.toString()}</Mono>
                    {c.task ? (
                      <>
                        · task <TextLink href={`/tasks/${c.task.id}`}>{c.task.kind}</TextLink> <StatusBadge status={c.task.status} />
                        {c.task.replayOfId ? <Badge tone="blue">replay</Badge> : null}
                        {c.task.receipt ? (
                          <>
                            · webhook <TextLink href={`/receipts/${c.task.receipt.id}`}>{c.task.receipt.endpoint}</TextLink> received <Time value={c.task.receipt.createdAt} />
                          </>
                        ) : null}
                        · <Mono>{c.task.correlationId}</Mono>
                      </>
                    ) : (
                      <>· {"passTypeRevision" in ((c.changes ?? {}) as object) ? "a pass type publication" : "not caused by a task"}</>
                    )}
                    {c.muted ? (
                      <Badge tone="amber">
                        muted: {MUTED_REASONS[c.mutedReason ?? ""] ?? c.mutedReason}
                      </Badge>
                    ) : c.alerting ? (
                      <Badge tone="blue">lock-screen message</Badge>
                    ) : null}
                  </div>
                  <div className="mt-1">
                    <ChangeList changes={c.changes} />
                  </div>
                </li>
              ))}
            </ol>
          )}
        </Card>

        <Card title="Recent sync tasks for this pass">
          <TaskSummaryTable tasks={pass.tasks} empty="No task has targeted this pass yet." />
        </Card>

        <div className="grid gap-6 lg:grid-cols-2">
          <Card title={`Registered devices (${pass.registrations.length})`}>
            <Table head={["Device", "Push token", "Registered"]} empty={<p className="text-sm text-slate-500">No device has added this pass to Wallet.</p>}>
              {pass.registrations.map((r) => (
                <tr key={r.device.id}>
                  <Td>
                    <ShortId id={r.device.deviceLibraryIdentifier} />
                  </Td>
                  <Td>
                    <ShortId id={r.device.pushToken} />
                  </Td>
                  <Td>
                    <Time value={r.createdAt} />
                  </Td>
                </tr>
              ))}
            </Table>
          </Card>
          <Card title="Delivery funnel">
            <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="push-funnel">
              <Badge tone="blue">{funnel.accepted} accepted by APNs</Badge>→<Badge tone="blue">{funnel.listed} listed updates</Badge>→<Badge tone="green">{funnel.downloaded} downloaded</Badge>
              {funnel.stalled ? <Badge tone="amber">{funnel.stalled} stalled</Badge> : null}
              {funnel.rejected ? <Badge tone="red">{funnel.rejected} rejected by APNs</Badge> : null}
              {funnel.failed ? <Badge tone="red">{funnel.failed} failed</Badge> : null}
              {funnel.queued ? <Badge>{funnel.queued} not sent</Badge> : null}
            </div>
            <p className="mt-2 text-xs text-slate-500">
              A device whose push APNs accepted but that has not asked for the new version within 10 minutes counts as stalled.
            </p>
          </Card>
        </div>

        <Card title="Google Wallet">
          {pass.google ? (
            <div data-testid="google-object" className="flex flex-col gap-4 lg:flex-row lg:items-start">
              <GooglePreview preview={pass.google.preview} />
              <Facts
                rows={[
                  ["Object", <Mono key="o">{pass.google.objectId}</Mono>],
                  ["State", <Badge key="s" tone={pass.google.state === "ACTIVE" ? "green" : "slate"}>{pass.google.state}</Badge>],
                  ["Saved", pass.google.saved ? <span key="sv">yes, <Time value={pass.google.savedAt} /></span> : pass.google.removedAt ? <span key="sv">removed <Time value={pass.google.removedAt} /></span> : "not saved"],
                  [
                    "Last PATCH",
                    pass.google.lastPatch ? (
                      <span key="p" className="flex flex-wrap items-center gap-2">
                        <Time value={pass.google.lastPatch.at} />
                        <Badge tone={pass.google.lastPatch.status === 200 ? "green" : "red"}>{pass.google.lastPatch.status ?? "not sent"}</Badge>
                        <Mono>{pass.google.lastPatch.keys.join(", ")}</Mono>
                        {pass.google.lastPatch.notified ? <Badge tone="blue">notified</Badge> : pass.google.lastPatch.mutedReason ? <Badge tone="amber">silent: {pass.google.lastPatch.mutedReason}</Badge> : null}
                        {pass.google.lastPatch.error ? <span className="text-xs text-red-700">{pass.google.lastPatch.error}</span> : null}
                      </span>
                    ) : (
                      "none yet"
                    ),
                  ],
                  ["Notifying updates (24 h)", `${pass.google.notifiedLast24h} of 3`],
                ]}
              />
            </div>
          ) : (
            <p className="text-sm text-slate-500">No Google Wallet object: the tenant has no Google Wallet issuer, or no Save to Google Wallet link was made for this pass yet.</p>
          )}
        </Card>

        <Card title="Push deliveries">
          <Table head={["Sent", "Device", "Version", "APNs", "Reason", "Stage", "Listed", "Downloaded"]} empty={<p className="text-sm text-slate-500">No push has been sent for this pass.</p>}>
            {pass.deliveries.map((d) => (
              <tr key={d.deliveryId}>
                <Td>
                  <Time value={d.sentAt} />
                </Td>
                <Td>
                  <ShortId id={d.deviceLibraryIdentifier} />
                </Td>
                <Td>
                  <Mono>{d.versionTag}</Mono>
                </Td>
                <Td>
                  <StatusBadge status={d.status} /> {d.statusCode ?? ""}
                </Td>
                <Td>{d.reason ?? "–"}</Td>
                <Td>
                  <StatusBadge status={d.stage} />
                </Td>
                <Td>
                  <Time value={d.listedAt} />
                </Td>
                <Td>
                  <Time value={d.downloadedAt} /> {d.downloadCode ? <span className="text-xs text-slate-500">({d.downloadCode})</span> : null}
                </Td>
              </tr>
            ))}
          </Table>
        </Card>
      </div>
    </>
  );
}
