/** Sync tasks: filter by status, kind, tenant, error code, correlation id and time; replay failures. */
import { SyncTaskKind, SyncTaskStatus } from "@prisma/client";
import { api, HydrateClient, prefetch, trpc } from "@/app/_trpc/server";
import { getStaff } from "@/app/_lib/staff";
import { parseParams, type SearchParams } from "@/app/_lib/search-params";
import { roleAtLeast } from "@/server/auth/roles";
import { taskListInput } from "@/server/tasks/queries";
import { ErrorState, PageHeader } from "../_components/ui";
import { FilterForm } from "../_components/filter-form";
import { TaskTable } from "./task-table";
import { ReplayMatching } from "./replay-controls";

export const dynamic = "force-dynamic";

export default async function TasksPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const parsed = parseParams(taskListInput, await searchParams);
  const caller = await api();
  const [tenants, errorCodes, staff] = await Promise.all([caller.tenants.choices(), caller.tasks.errorCodes(), getStaff()]);
  if (parsed.ok) await prefetch(trpc.tasks.list.queryOptions(parsed.data));
  const canReplay = !!staff && roleAtLeast(staff.role, "OPERATOR");
  return (
    <>
      <PageHeader title="Sync tasks" subtitle="Every webhook's unit of work: QUEUED → RUNNING → SUCCEEDED | FAILED. Refreshes every few seconds." />
      <FilterForm
        values={parsed.raw}
        fields={[
          { name: "status", label: "Status", type: "select", options: Object.values(SyncTaskStatus).map((v) => ({ value: v })) },
          { name: "kind", label: "Kind", type: "select", options: Object.values(SyncTaskKind).map((v) => ({ value: v })) },
          { name: "tenant", label: "Tenant", type: "select", options: tenants.map((t) => ({ value: t.slug, label: `${t.slug} (${t.name})` })) },
          { name: "errorCode", label: "Error code", type: "select", options: errorCodes.map((e) => ({ value: e.errorCode, label: `${e.errorCode} (${e.count})` })) },
          { name: "correlationId", label: "Correlation id", type: "text", placeholder: "from X-Correlation-Id" },
          { name: "from", label: "From (UTC)", type: "datetime" },
          { name: "to", label: "To (UTC)", type: "datetime" },
        ]}
      />
      {parsed.ok ? (
        <HydrateClient>
          {canReplay ? (
            <ReplayMatching
              filter={{ tenant: parsed.data.tenant, kind: parsed.data.kind, errorCode: parsed.data.errorCode, from: parsed.data.from, to: parsed.data.to }}
              disabledReason={
                parsed.data.correlationId
                  ? "Bulk replay filters by tenant, kind, error code and time, not correlation id."
                  : parsed.data.status && parsed.data.status !== "FAILED"
                    ? "Only FAILED tasks are replayed; set the status filter to FAILED or Any."
                    : null
              }
            />
          ) : null}
          <TaskTable input={parsed.data} params={parsed.raw} canReplay={canReplay} />
        </HydrateClient>
      ) : (
        <ErrorState title="These filters are not valid">{parsed.problems.join("; ")}</ErrorState>
      )}
    </>
  );
}
