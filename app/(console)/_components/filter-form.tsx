"use client";
/**
 * A list's filter bar. The filters live in the URL (shareable links): submitting replaces the
 * query string, leaving out empty fields and starting again at the first page. Times are UTC.
 */
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { queryString } from "@/app/_lib/format";

export type FilterField =
  | { name: string; label: string; type: "text"; placeholder?: string; width?: string }
  | { name: string; label: string; type: "select"; options: { value: string; label?: string }[] }
  | { name: string; label: string; type: "datetime" };

/** `2026-11-30T10:00:00.000Z` → `2026-11-30T10:00` for a datetime-local input (UTC). */
function toInputTime(value: string | undefined): string {
  if (!value) return "";
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? "" : d.toISOString().slice(0, 16);
}

export function FilterForm({ fields, values, keep = {} }: { fields: FilterField[]; values: Record<string, string>; keep?: Record<string, string> }) {
  const router = useRouter();
  const pathname = usePathname();
  function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const next: Record<string, string> = { ...keep };
    for (const f of fields) {
      const v = String(data.get(f.name) ?? "").trim();
      if (!v) continue;
      next[f.name] = f.type === "datetime" ? new Date(`${v}:00Z`).toISOString() : v;
    }
    router.push(`${pathname}${queryString(next)}`);
  }
  const inputClass = "max-w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm shadow-sm focus:border-teal-600 focus:outline-none focus:ring-1 focus:ring-teal-600";
  return (
    <form onSubmit={submit} className="mb-4 flex flex-wrap items-end gap-3 [&>label]:max-w-full rounded-lg border border-slate-200 bg-white p-3 shadow-sm" role="search">
      {fields.map((f) => (
        <label key={f.name} className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          {f.label}
          {f.type === "select" ? (
            <select name={f.name} defaultValue={values[f.name] ?? ""} className={inputClass}>
              <option value="">Any</option>
              {(values[f.name] && !f.options.some((o) => o.value === values[f.name]) ? [...f.options, { value: values[f.name]!, label: values[f.name] }] : f.options).map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label ?? o.value}
                </option>
              ))}
            </select>
          ) : f.type === "datetime" ? (
            <input type="datetime-local" name={f.name} defaultValue={toInputTime(values[f.name])} className={inputClass} />
          ) : (
            <input type="text" name={f.name} defaultValue={values[f.name] ?? ""} placeholder={f.placeholder} className={`${inputClass} ${f.width ?? "w-48"}`} />
          )}
        </label>
      ))}
      <div className="flex gap-2">
        <button type="submit" className="rounded-md bg-teal-700 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-teal-800">
          Apply
        </button>
        <Link href={`${pathname}${queryString(keep)}`} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-50">
          Clear
        </Link>
      </div>
    </form>
  );
}
