/** Small presentational pieces of the console (server-safe: no hooks). */
import Link from "next/link";
import { formatTime, toJson } from "@/app/_lib/format";

export function PageHeader({ title, subtitle, actions }: { title: React.ReactNode; subtitle?: React.ReactNode; actions?: React.ReactNode }) {
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
      <div className="min-w-0">
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900 wrap-anywhere">{title}</h1>
        {subtitle ? <div className="mt-1 text-sm text-slate-500">{subtitle}</div> : null}
      </div>
      {actions ? <div className="flex flex-wrap items-center gap-2">{actions}</div> : null}
    </div>
  );
}

export function Card({ title, children, actions, className = "" }: { title?: React.ReactNode; children: React.ReactNode; actions?: React.ReactNode; className?: string }) {
  return (
    <section className={`min-w-0 rounded-lg border border-slate-200 bg-white shadow-sm ${className}`}>
      {title ? (
        <header className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-100 px-4 py-3">
          <h2 className="text-sm font-semibold text-slate-700">{title}</h2>
          {actions}
        </header>
      ) : null}
      <div className="overflow-x-auto p-4">{children}</div>
    </section>
  );
}

const TONES = {
  green: "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
  red: "bg-rose-50 text-rose-700 ring-rose-600/20",
  amber: "bg-amber-50 text-amber-800 ring-amber-600/20",
  blue: "bg-sky-50 text-sky-700 ring-sky-600/20",
  slate: "bg-slate-100 text-slate-700 ring-slate-500/20",
} as const;
export type Tone = keyof typeof TONES;

export function Badge({ tone = "slate", children }: { tone?: Tone; children: React.ReactNode }) {
  return <span className={`inline-flex items-center rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONES[tone]}`}>{children}</span>;
}

const STATUS_TONE: Record<string, Tone> = {
  SUCCEEDED: "green",
  ACCEPTED: "green",
  ACTIVE: "green",
  downloaded: "green",
  ok: "green",
  FAILED: "red",
  REJECTED: "red",
  failed: "red",
  rejected: "red",
  expired: "red",
  SUSPENDED: "red",
  stalled: "amber",
  expiring: "amber",
  RUNNING: "blue",
  accepted: "blue",
  listed: "blue",
  QUEUED: "slate",
  queued: "slate",
};

/** A status word coloured by what it means (succeeded green, failed red, running blue…). */
export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={STATUS_TONE[status] ?? "slate"}>{status}</Badge>;
}

/** An HTTP status code coloured by class. */
export function HttpStatus({ code }: { code: number }) {
  return <Badge tone={code < 300 ? "green" : code < 500 && code !== 429 ? "amber" : "red"}>{code}</Badge>;
}

export function EmptyState({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-10 text-center" data-testid="empty-state">
      <p className="text-sm font-medium text-slate-700">{title}</p>
      {children ? <div className="mt-1 text-sm text-slate-500">{children}</div> : null}
    </div>
  );
}

export function ErrorState({ title = "Something went wrong", children }: { title?: string; children?: React.ReactNode }) {
  return (
    <div className="rounded-lg border border-rose-200 bg-rose-50 px-4 py-3 text-sm text-rose-800" data-testid="error-state">
      <p className="font-medium">{title}</p>
      {children ? <div className="mt-1">{children}</div> : null}
    </div>
  );
}

export function Json({ value, className = "" }: { value: unknown; className?: string }) {
  return <pre className={`max-h-96 overflow-auto rounded-md bg-slate-900 p-3 text-xs leading-relaxed text-slate-100 ${className}`}>{toJson(value)}</pre>;
}

export function Time({ value, stacked = false }: { value: Date | string | null | undefined; stacked?: boolean }) {
  const text = formatTime(value);
  if (!stacked || !value) return <time className="whitespace-nowrap tabular-nums">{text}</time>;
  // in narrow table columns: the date above the time of day
  const [date, ...rest] = text.split(" ");
  return (
    <time className="block whitespace-nowrap tabular-nums leading-tight" dateTime={new Date(value).toISOString()}>
      {date}
      <span className="block text-xs text-slate-500">{rest.join(" ")}</span>
    </time>
  );
}

/** A definition list of label → value rows. */
export function Facts({ rows }: { rows: [React.ReactNode, React.ReactNode][] }) {
  return (
    <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-4 gap-y-2 text-sm sm:gap-x-6">
      {rows.map(([k, v], i) => (
        <div key={i} className="contents">
          <dt className="text-slate-500">{k}</dt>
          <dd className="min-w-0 text-slate-900 wrap-anywhere">{v ?? "–"}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Mono({ children }: { children: React.ReactNode }) {
  return <span className="font-mono text-xs">{children}</span>;
}

export function TextLink({ href, children }: { href: string; children: React.ReactNode }) {
  return (
    <Link href={href} className="text-teal-700 hover:text-teal-900 hover:underline">
      {children}
    </Link>
  );
}

/**
 * A table with a header row in a card of its own that scrolls sideways when the table is wider
 * than the page; `empty` shows instead when there are no rows. Column classes (`cols[i]`) go on
 * the header cell, e.g. `hidden md:table-cell` to drop a low-value column on small screens (give
 * the row's Td the same class).
 */
export function Table({ head, children, empty, cols = [], testId }: { head: React.ReactNode[]; children: React.ReactNode; empty?: React.ReactNode; cols?: (string | undefined)[]; testId?: string }) {
  const hasRows = Array.isArray(children) ? children.length > 0 : Boolean(children);
  if (!hasRows && empty) return <>{empty}</>;
  return (
    <div className="min-w-0 overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm" data-testid={testId}>
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50">
          <tr>
            {head.map((h, i) => (
              <th key={i} scope="col" className={`whitespace-nowrap px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-500 ${cols[i] ?? ""}`}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
    </div>
  );
}

export function Td({ children, className = "" }: { children?: React.ReactNode; className?: string }) {
  return <td className={`px-3 py-2 align-top ${className}`}>{children}</td>;
}
