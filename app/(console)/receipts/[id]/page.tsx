/** One webhook receipt: headers (secrets redacted), the raw body and the task it created. */
import { api } from "@/app/_trpc/server";
import { orNotFound } from "@/app/_lib/not-found";
import { Card, Facts, HttpStatus, Mono, PageHeader, TextLink, Time } from "../../_components/ui";
import { TaskSummaryTable } from "../../_components/task-summary";

export const dynamic = "force-dynamic";

/** The body pretty-printed when it is JSON, as received otherwise. */
function prettyBody(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}

/** What stands in for the headers and body once retention removed them. */
function BodyRemoved({ what, removed }: { what: "Body" | "Headers"; removed: { at: Date; afterDays: number } | null }) {
  return (
    <p className="text-sm text-slate-500" data-testid={`receipt-${what.toLowerCase()}-removed`}>
      {what} removed after {removed?.afterDays ?? "?"} days (retention){removed ? <>, <Time value={removed.at} /></> : null}.
    </p>
  );
}

export default async function ReceiptPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const r = await orNotFound((await api()).receipts.get({ id }));
  return (
    <>
      <PageHeader title={<span className="flex flex-wrap items-center gap-x-3 gap-y-1">Webhook receipt <HttpStatus code={r.responseStatus} /></span>} subtitle={<Mono>{r.id}</Mono>} />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Request">
          <Facts
            rows={[
              ["Tenant", <TextLink key="t" href={`/tenants/${r.tenant.slug}`}>{r.tenant.name}</TextLink>],
              ["Endpoint", r.endpoint],
              ["Received", <Time key="c" value={r.createdAt} />],
              ["Answered", <HttpStatus key="s" code={r.responseStatus} />],
              ["Correlation id", <Mono key="ci">{r.correlationId}</Mono>],
              ["Idempotency key", r.idempotencyKey ? <Mono key="ik">{r.idempotencyKey}</Mono> : "–"],
            ]}
          />
        </Card>
        <Card title="Headers (secrets redacted)">
          {r.headers === null ? <BodyRemoved what="Headers" removed={r.bodyRemoved} /> : <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 font-mono text-xs" data-testid="receipt-headers">
            {Object.entries(r.headers).map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="text-slate-500">{k}</dt>
                <dd className="break-all">{v}</dd>
              </div>
            ))}
          </dl>}
        </Card>
        <Card title="Tasks created" className="lg:col-span-2">
          <TaskSummaryTable tasks={r.tasks} empty="This request created no task." />
        </Card>
        <Card title="Raw body" className="lg:col-span-2">
          {r.rawBody === null ? (
            <BodyRemoved what="Body" removed={r.bodyRemoved} />
          ) : (
            <pre className="max-h-[32rem] overflow-auto rounded-md bg-slate-900 p-3 text-xs text-slate-100" data-testid="receipt-body">
              {prettyBody(r.rawBody)}
            </pre>
          )}
        </Card>
      </div>
    </>
  );
}
