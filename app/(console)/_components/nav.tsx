"use client";
/** The console's side navigation, highlighting the current section. */
import Link from "next/link";
import { usePathname } from "next/navigation";

const LINKS = [
  { href: "/", label: "Overview" },
  { href: "/passes", label: "Passes" },
  { href: "/tasks", label: "Sync tasks" },
  { href: "/receipts", label: "Webhook receipts" },
  { href: "/tenants", label: "Tenants" },
  { href: "/audit", label: "Audit log" },
];

export function Nav({ showStaff }: { showStaff: boolean }) {
  const pathname = usePathname();
  const links = showStaff ? [...LINKS, { href: "/staff", label: "Staff" }] : LINKS;
  return (
    <nav className="flex flex-col gap-0.5" aria-label="Console">
      {links.map((l) => {
        const active = l.href === "/" ? pathname === "/" : pathname.startsWith(l.href);
        return (
          <Link
            key={l.href}
            href={l.href}
            aria-current={active ? "page" : undefined}
            className={`rounded-md px-3 py-2 text-sm font-medium ${active ? "bg-teal-800 text-white" : "text-teal-50 hover:bg-teal-800/60"}`}
          >
            {l.label}
          </Link>
        );
      })}
    </nav>
  );
}
