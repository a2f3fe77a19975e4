/** Staff accounts (admins only): create, change role, disable. */
import { getStaff } from "@/app/_lib/staff";
import { api } from "@/app/_trpc/server";
import { roleAtLeast } from "@/server/auth/roles";
import { ErrorState, PageHeader } from "../_components/ui";
import { StaffManager } from "./staff-manager";

export const dynamic = "force-dynamic";

export default async function StaffPage() {
  const me = await getStaff();
  if (!me || !roleAtLeast(me.role, "ADMIN")) {
    return (
      <>
        <PageHeader title="Staff" />
        <ErrorState title="Admins only">Your role is {me?.role}. Ask an admin to change staff accounts.</ErrorState>
      </>
    );
  }
  const staff = await (await api()).staff.list();
  return (
    <>
      <PageHeader title="Staff" subtitle="VIEWER reads; OPERATOR also replays tasks and manages API keys and integration settings; ADMIN also manages staff and tenants." />
      <StaffManager staff={staff} meId={me.id} />
    </>
  );
}
