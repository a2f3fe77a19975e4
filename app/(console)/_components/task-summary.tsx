/** A short table of sync tasks (a receipt's, a pass's, a customer's), each linking to its detail. */
import { StatusBadge, Table, Td, Time } from "./ui";
import { ShortId } from "./short-id";

export interface TaskSummary {
  id: string;
  kind: string;
  status: string;
  errorCode: string | null;
  lastError: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export function TaskSummaryTable({ tasks, empty }: { tasks: TaskSummary[]; empty: string }) {
  return (
    <Table head={["Task", "Kind", "Status", "Error", "Created", "Finished"]} empty={<p className="text-sm text-slate-500">{empty}</p>}>
      {tasks.map((t) => (
        <tr key={t.id}>
          <Td>
            <ShortId id={t.id} href={`/tasks/${t.id}`} />
          </Td>
          <Td>{t.kind}</Td>
          <Td>
            <StatusBadge status={t.status} />
          </Td>
          <Td className="text-xs text-rose-700">
            <div className="w-56 truncate" title={[t.errorCode, t.lastError].filter(Boolean).join(": ")}>
              {[t.errorCode, t.lastError].filter(Boolean).join(": ") || "–"}
            </div>
          </Td>
          <Td>
            <Time value={t.createdAt} stacked />
          </Td>
          <Td>
            <Time value={t.finishedAt} stacked />
          </Td>
        </tr>
      ))}
    </Table>
  );
}
