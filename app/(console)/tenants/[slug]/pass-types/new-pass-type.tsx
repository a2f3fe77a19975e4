"use client";
/** Operators start a new pass type: its key and name, then the editor (nothing is stored until it is created there). */
import { useRouter } from "next/navigation";
import { useState } from "react";

const KEY = /^[a-z0-9][a-z0-9_-]{0,39}$/;

export function NewPassTypeForm({ tenant, existing }: { tenant: string; existing: string[] }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} className="rounded-md bg-teal-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-teal-800">
        New pass type
      </button>
    );
  }
  return (
    <form
      className="flex flex-wrap items-end gap-2 rounded-lg border border-slate-200 bg-white p-3 text-sm shadow-sm"
      data-testid="new-pass-type"
      onSubmit={(e) => {
        e.preventDefault();
        const d = new FormData(e.currentTarget);
        const key = String(d.get("key") ?? "").trim();
        const name = String(d.get("name") ?? "").trim();
        if (!KEY.test(key)) return setProblem("a key is 1-40 lower-case letters, digits, _ and -, starting with a letter or digit");
        if (existing.includes(key)) return setProblem(`${key} exists already`);
        router.push(`/tenants/${tenant}/pass-types/${key}?name=${encodeURIComponent(name || key)}`);
      }}
    >
      <label className="flex flex-col text-xs text-slate-600">
        Key
        <input name="key" required placeholder="giftcard" className="rounded-md border border-slate-300 px-2 py-1" />
      </label>
      <label className="flex flex-col text-xs text-slate-600">
        Name
        <input name="name" placeholder="Gift card" className="rounded-md border border-slate-300 px-2 py-1" />
      </label>
      <button type="submit" className="rounded-md bg-teal-700 px-3 py-1.5 font-medium text-white hover:bg-teal-800">
        Design it
      </button>
      <button type="button" onClick={() => setOpen(false)} className="rounded-md border border-slate-300 px-3 py-1.5">
        Cancel
      </button>
      {problem ? <p className="w-full text-rose-700" data-testid="new-pass-type-error">{problem}</p> : null}
    </form>
  );
}
