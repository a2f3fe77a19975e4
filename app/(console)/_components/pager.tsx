/** Cursor pagination links that keep the page's filters in the URL. */
import Link from "next/link";
import { queryString } from "@/app/_lib/format";

export function Pager({ path, params, nextCursor, shown }: { path: string; params: Record<string, string>; nextCursor: string | null; shown: number }) {
  const { cursor, ...filters } = params;
  return (
    <nav className="mt-3 flex items-center justify-between text-sm text-slate-600" aria-label="Pagination">
      <span>
        {shown} row{shown === 1 ? "" : "s"} on this page{cursor ? " (not the first)" : ""}
      </span>
      <span className="flex gap-3">
        {cursor ? (
          <Link className="rounded-md border border-slate-300 bg-white px-3 py-1 hover:bg-slate-50" href={`${path}${queryString(filters)}`}>
            ← First page
          </Link>
        ) : null}
        {nextCursor ? (
          <Link className="rounded-md border border-slate-300 bg-white px-3 py-1 hover:bg-slate-50" href={`${path}${queryString({ ...filters, cursor: nextCursor })}`}>
            Next page →
          </Link>
        ) : null}
      </span>
    </nav>
  );
}
