"use client";
/** Admins create a tenant (with the starter pass types). */
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/app/_trpc/react";

export function CreateTenantForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const create = useMutation(trpc.tenants.create.mutationOptions({ onSuccess: (t) => router.push(`/tenants/${t.slug}`) }));
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} className="rounded-md bg-teal-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-teal-800">
        New tenant
      </button>
    );
  }
  return (
    <form
      className="flex flex-wrap items-end gap-2 rounded-lg border border-slate-200 bg-white p-3 text-sm shadow-sm"
      onSubmit={(e) => {
        e.preventDefault();
        const d = new FormData(e.currentTarget);
        create.mutate({ slug: String(d.get("slug")), name: String(d.get("name")), customIdentifierKeys: [] });
      }}
    >
      <label className="flex flex-col text-xs text-slate-600">
        Slug
        <input name="slug" required pattern="[a-z0-9-]+" className="rounded-md border border-slate-300 px-2 py-1" />
      </label>
      <label className="flex flex-col text-xs text-slate-600">
        Name
        <input name="name" required className="rounded-md border border-slate-300 px-2 py-1" />
      </label>
      <button type="submit" disabled={create.isPending} className="rounded-md bg-teal-700 px-3 py-1.5 font-medium text-white hover:bg-teal-800">
        Create
      </button>
      <button type="button" onClick={() => setOpen(false)} className="rounded-md border border-slate-300 px-3 py-1.5">
        Cancel
      </button>
      {create.error ? <p className="w-full text-rose-700">{create.error.message}</p> : null}
    </form>
  );
}
