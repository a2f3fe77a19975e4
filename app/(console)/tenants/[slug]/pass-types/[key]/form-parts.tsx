"use client";
/** Small form pieces of the pass type editor: labelled inputs, selects, a section, and the errors and warnings of one path. */
import { createContext, useContext } from "react";

/** One problem of the definition, by path (`fields[2].key`, `images.icon.png`). */
export interface PathIssue {
  field: string;
  message: string;
}

/** The errors and warnings of the definition being edited, for the inputs to show beside themselves. */
export const IssuesContext = createContext<{ errors: PathIssue[]; warnings: PathIssue[] }>({ errors: [], warnings: [] });

/** The errors (red) and warnings (amber) whose path is `path`, right under the input. */
export function Issues({ path }: { path: string }) {
  const { errors, warnings } = useContext(IssuesContext);
  const mine = errors.filter((e) => e.field === path);
  const warned = warnings.filter((w) => w.field === path);
  if (!mine.length && !warned.length) return null;
  return (
    <div id={issuesId(path)} className="space-y-0.5">
      {mine.map((e, i) => (
        <p key={`e${i}`} className="text-xs font-normal text-rose-700" role="alert" data-testid={`error-${path}`}>
          {e.message}
        </p>
      ))}
      {warned.map((w, i) => (
        <p key={`w${i}`} className="text-xs font-normal text-amber-700" data-testid={`warning-${path}`}>
          {w.message}
        </p>
      ))}
    </div>
  );
}

/** The id of a path's issues, for `aria-describedby`. */
export function issuesId(path: string): string {
  return `issues-${path.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

/** True when `path` has an error (the input gets a red border). */
export function useHasError(path: string): boolean {
  return useContext(IssuesContext).errors.some((e) => e.field === path);
}

export const inputClass = "w-full min-w-0 rounded-md border px-2 py-1.5 text-sm disabled:bg-slate-50 disabled:text-slate-600";
const labelClass = "flex min-w-0 flex-col gap-1 text-xs font-medium text-slate-600";

export function TextInput({ label, path, value, onChange, placeholder, type = "text", className = "" }: { label: string; path: string; value: string | number | undefined; onChange: (v: string) => void; placeholder?: string; type?: string; className?: string }) {
  const bad = useHasError(path);
  return (
    <div className={`${labelClass} ${className}`}>
      <label className={labelClass}>
        {label}
        <input type={type} value={value ?? ""} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} className={`${inputClass} ${bad ? "border-rose-400" : "border-slate-300"}`} aria-invalid={bad || undefined} aria-describedby={issuesId(path)} step={type === "number" ? "any" : undefined} />
      </label>
      <Issues path={path} />
    </div>
  );
}

export function Select<T extends string>({ label, path, value, options, onChange, empty, className = "" }: { label: string; path: string; value: T | undefined; options: readonly T[]; onChange: (v: T | undefined) => void; empty?: string; className?: string }) {
  const bad = useHasError(path);
  return (
    <div className={`${labelClass} ${className}`}>
      <label className={labelClass}>
        {label}
        <select value={value ?? ""} onChange={(e) => onChange((e.target.value || undefined) as T | undefined)} className={`${inputClass} bg-white ${bad ? "border-rose-400" : "border-slate-300"}`} aria-invalid={bad || undefined} aria-describedby={issuesId(path)}>
          {empty !== undefined ? <option value="">{empty}</option> : null}
          {options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </label>
      <Issues path={path} />
    </div>
  );
}

/** A section of the editor with its title. */
export function Section({ title, children, actions, testId }: { title: string; children: React.ReactNode; actions?: React.ReactNode; testId?: string }) {
  return (
    <section className="min-w-0 rounded-lg border border-slate-200 bg-white shadow-sm" data-testid={testId}>
      <header className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-100 px-4 py-3">
        <h2 className="text-sm font-semibold text-slate-700">{title}</h2>
        {actions}
      </header>
      <div className="space-y-3 p-4">{children}</div>
    </section>
  );
}

export const buttonClass = "rounded-md border border-slate-300 bg-white px-2.5 py-1 text-xs font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-50";
export const primaryButtonClass = "rounded-md bg-teal-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-teal-800 disabled:opacity-60";

/** `rgb(16, 122, 122)` → `#107a7a` (black when it does not parse). */
export function rgbToHex(rgb: string | undefined): string {
  const m = /^rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)$/.exec(rgb ?? "");
  if (!m) return "#000000";
  return `#${[m[1], m[2], m[3]].map((c) => Math.min(255, Number(c)).toString(16).padStart(2, "0")).join("")}`;
}

/** `#107a7a` → `rgb(16, 122, 122)`, as definitions store colors. */
export function hexToRgb(hex: string): string {
  const n = Number.parseInt(hex.replace("#", ""), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}

/** Reads a file as base64 (no data: prefix), as definitions store images. */
export function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
    reader.onerror = () => reject(reader.error ?? new Error("could not read the file"));
    reader.readAsDataURL(file);
  });
}
