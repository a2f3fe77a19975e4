/** The signed-in console: navigation, the staff member and sign-out. Anonymous visitors go to /login. */
import { redirect } from "next/navigation";
import { TRPCReactProvider } from "@/app/_trpc/react";
import { getStaff } from "@/app/_lib/staff";
import { roleAtLeast } from "@/server/auth/roles";
import { Nav } from "./_components/nav";
import { SignOutButton } from "./_components/sign-out";
import { ConsoleShell } from "./_components/shell";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const staff = await getStaff();
  if (!staff) redirect("/login");
  return (
    <TRPCReactProvider>
      <ConsoleShell
        sidebar={
          <>
            <div>
              <div className="mb-6 hidden px-3 text-lg font-semibold text-white lg:block">Passflow</div>
              <Nav showStaff={roleAtLeast(staff.role, "ADMIN")} />
            </div>
            <div className="mt-6 space-y-2 px-3 text-xs text-teal-100">
              <div className="truncate" data-testid="signed-in-as">
                {staff.email}
              </div>
              <div>
                Role: <span className="font-semibold" data-testid="staff-role">{staff.role}</span>
              </div>
              <SignOutButton />
            </div>
          </>
        }
      >
        {children}
      </ConsoleShell>
    </TRPCReactProvider>
  );
}
