"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import type { StaffRole } from "@prisma/client";
import { useTRPC } from "@/app/_trpc/react";
import { formatTime } from "@/app/_lib/format";
import { ROLES } from "@/server/auth/roles";
import { Badge, Card, Table, Td } from "../_components/ui";

interface Member {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  disabledAt: Date | null;
  lastLoginAt: Date | null;
}

export function StaffManager({ staff, meId }: { staff: Member[]; meId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const create = useMutation(trpc.staff.create.mutationOptions({ onSuccess: () => router.refresh() }));
  const update = useMutation(trpc.staff.update.mutationOptions({ onSuccess: () => router.refresh() }));
  const field = "rounded-md border border-slate-300 px-2 py-1.5 text-sm";
  return (
    <div className="space-y-6">
      <Card title="Add a staff member">
        <form
          className="flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            const d = new FormData(e.currentTarget);
            create.mutate({ email: String(d.get("email")), name: String(d.get("name") || "") || undefined, role: String(d.get("role")) as StaffRole, password: String(d.get("password")) });
            e.currentTarget.reset();
          }}
        >
          <input name="email" type="email" required placeholder="email" className={field} />
          <input name="name" placeholder="name" className={field} />
          <select name="role" defaultValue="VIEWER" className={field}>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
          <input name="password" type="password" required minLength={12} placeholder="password (12+ characters)" className={field} />
          <button type="submit" className="rounded-md bg-teal-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-teal-800">
            Add
          </button>
          {create.error ? <span className="text-sm text-rose-700">{create.error.message}</span> : null}
        </form>
      </Card>
      <Table head={["Email", "Name", "Role", "Last sign-in", "State", ""]}>
        {staff.map((s) => (
          <tr key={s.id}>
            <Td>{s.email}</Td>
            <Td>{s.name}</Td>
            <Td>
              <select
                aria-label={`Role of ${s.email}`}
                value={s.role}
                disabled={s.id === meId || update.isPending}
                onChange={(e) => update.mutate({ id: s.id, role: e.target.value as StaffRole })}
                className="rounded-md border border-slate-300 px-2 py-1 text-sm"
              >
                {ROLES.map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
            </Td>
            <Td className="text-xs">{formatTime(s.lastLoginAt)}</Td>
            <Td>{s.disabledAt ? <Badge tone="red">disabled</Badge> : <Badge tone="green">enabled</Badge>}</Td>
            <Td>
              {s.id === meId ? (
                <span className="text-xs text-slate-500">you</span>
              ) : (
                <button type="button" className="rounded-md border border-slate-300 px-2 py-1 text-xs hover:bg-slate-50" onClick={() => update.mutate({ id: s.id, disabled: !s.disabledAt })}>
                  {s.disabledAt ? "Enable" : "Disable"}
                </button>
              )}
            </Td>
          </tr>
        ))}
      </Table>
      {update.error ? <p className="text-sm text-rose-700">{update.error.message}</p> : null}
    </div>
  );
}
