/** One sync task: input, output, attempts, timings, error, the receipt behind it and its replays. */
import { api } from "@/app/_trpc/server";
import { getStaff } from "@/app/_lib/staff";
import { orNotFound } from "@/app/_lib/not-found";
import { formatDuration } from "@/app/_lib/format";
import { roleAtLeast } from "@/server/auth/roles";
import { finalErrorAdvice } from "@/server/tasks/replay-advice";
import { ReplayTaskButton } from "../replay-controls";
import { AutoRefresh } from "../../_components/auto-refresh";
import { Card, Facts, HttpStatus, Json, Mono, PageHeader, StatusBadge, TextLink, Time } from "../../_components/ui";

export const dynamic = "force-dynamic";

export default async function TaskPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const [task, staff] = await Promise.all([orNotFound((await api()).tasks.get({ id })), getStaff()]);
  const canReplay = !!staff && roleAtLeast(staff.role, "OPERATOR");
  const advice = task.status === "FAILED" ? finalErrorAdvice(task.errorCode) : null;
  return (
    <>
      <AutoRefresh active={task.status === "QUEUED" || task.status === "RUNNING"} />
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
            Sync task <Mono>{task.id}</Mono> <StatusBadge status={task.status} />
          </span>
        }
        subtitle={`${task.kind} for tenant ${task.tenant.slug}`}
        actions={canReplay ? <ReplayTaskButton taskId={task.id} status={task.status} errorCode={task.errorCode} /> : null}
      />
      {advice ? (
        <div className="mb-6 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900" data-testid="replay-hint" role="note">
          <p className="font-medium">
            <Mono>{task.errorCode}</Mono> is final: a replay runs the same input and fails again the same way unless the cause is fixed first.
          </p>
          {task.lastError ? <p className="mt-1 break-words">The error: {task.lastError}</p> : null}
          <p className="mt-1">What to fix: {advice}</p>
        </div>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Task">
          <Facts
            rows={[
              ["Tenant", <TextLink key="t" href={`/tenants/${task.tenant.slug}`}>{task.tenant.name}</TextLink>],
              ["Kind", task.kind],
              ["Status", <StatusBadge key="s" status={task.status} />],
              ["Attempts", task.attempts],
              ["Correlation id", <Mono key="c">{task.correlationId}</Mono>],
              ["Dedupe key", task.dedupeKey ? <Mono key="d">{task.dedupeKey}</Mono> : "–"],
              ["Pass", task.pass ? <TextLink key="p" href={`/passes/${task.pass.serialNumber}`}>{task.pass.serialNumber}</TextLink> : "–"],
              [
                "Customer",
                task.customer ? (
                  <TextLink key="cu" href={`/customers/${task.customer.id}`}>
                    {task.customer.email ?? task.customer.phone ?? task.customer.customerId ?? task.customer.id}
                  </TextLink>
                ) : (
                  "–"
                ),
              ],
              [
                "Webhook receipt",
                task.receipt ? (
                  <span key="r" className="flex flex-wrap items-center gap-x-2 gap-y-1 [&>*]:shrink-0">
                    <TextLink href={`/receipts/${task.receipt.id}`}>{task.receipt.endpoint}</TextLink> <HttpStatus code={task.receipt.responseStatus} /> <Time value={task.receipt.createdAt} />
                  </span>
                ) : (
                  "–"
                ),
              ],
              ["Replay of", task.replayOf ? <span key="ro"><TextLink href={`/tasks/${task.replayOf.id}`}>{task.replayOf.id}</TextLink> <StatusBadge status={task.replayOf.status} /></span> : "–"],
              [
                "Replays",
                task.replays.length ? (
                  <ul key="rs" className="space-y-1">
                    {task.replays.map((r) => (
                      <li key={r.id}>
                        <TextLink href={`/tasks/${r.id}`}>{r.id}</TextLink> <StatusBadge status={r.status} /> <Time value={r.createdAt} />
                      </li>
                    ))}
                  </ul>
                ) : (
                  "–"
                ),
              ],
            ]}
          />
        </Card>
        <Card title="Timings">
          <Facts
            rows={[
              ["Queued", <Time key="q" value={task.queuedAt} />],
              ["Started", <Time key="s" value={task.startedAt} />],
              ["Finished", <Time key="f" value={task.finishedAt} />],
              ["Waited in queue", formatDuration(task.timings.waitedMs)],
              ["Ran for", formatDuration(task.timings.ranMs)],
              ["Last update", <Time key="u" value={task.updatedAt} />],
            ]}
          />
        </Card>
        {task.status === "FAILED" || task.lastError ? (
          <Card title="Error" className="lg:col-span-2">
            <div className="space-y-2 text-sm" data-testid="task-error">
              {task.errorCode ? <Mono>{task.errorCode}</Mono> : null}
              <p className="whitespace-pre-wrap text-rose-800">{task.lastError ?? "–"}</p>
            </div>
          </Card>
        ) : null}
        <Card title="Input">
          <Json value={task.input} />
        </Card>
        <Card title="Output">
          <Json value={task.output} />
        </Card>
        {task.changes.length ? (
          <Card title="Pass changes made" className="lg:col-span-2">
            <ul className="space-y-3">
              {task.changes.map((c) => (
                <li key={c.id}>
                  <div className="mb-1 text-xs text-slate-500">
                    <TextLink href={`/passes/${c.pass.serialNumber}`}>{c.pass.serialNumber}</TextLink> · version {c.versionTag.toString()} · <Time value={c.createdAt} />
                  </div>
                  <Json value={c.changes} />
                </li>
              ))}
            </ul>
          </Card>
        ) : null}
      </div>
    </>
  );
}
