/** A short table of sync tasks (a receipt's, a pass's, a customer's), each linking to its detail. */
import { Mono, StatusBadge, Table, Td, TextLink, Time } from "./ui";

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
            <TextLink href={`/tasks/${t.id}`}>
              <Mono>{t.id}</Mono>
            </TextLink>
          </Td>
          <Td>{t.kind}</Td>
          <Td>
            <StatusBadge status={t.status} />
          </Td>
          <Td className="text-xs text-rose-700">{[t.errorCode, t.lastError].filter(Boolean).join(": ") || "–"}</Td>
          <Td>
            <Time value={t.createdAt} />
          </Td>
          <Td>
            <Time value={t.finishedAt} />
          </Td>
        </tr>
      ))}
    </Table>
  );
}
