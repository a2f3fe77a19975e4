"use client";
/** "Test connection" for the tenant's Klaviyo private API key: a check that writes nothing in Klaviyo, and its outcome. */
import { useMutation } from "@tanstack/react-query";
import { useTRPC } from "@/app/_trpc/react";

export function KlaviyoConnectionTest({ tenant }: { tenant: string }) {
  const trpc = useTRPC();
  const test = useMutation(trpc.tenants.testKlaviyoKey.mutationOptions());
  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        disabled={test.isPending}
        onClick={() => test.mutate({ tenant })}
        className="rounded-md border border-slate-300 px-2 py-0.5 text-xs font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-60"
      >
        {test.isPending ? "Testing…" : "Test connection"}
      </button>
      <span role="status" data-testid="klaviyo-connection-result" className="text-xs">
        {test.data?.ok ? <span className="text-emerald-700">Connected: the key works and has profiles:write and events:write.</span> : null}
        {test.data && !test.data.ok ? <span className="text-rose-700">Failed: {test.data.reason}</span> : null}
        {test.error ? <span className="text-rose-700">{test.error.message}</span> : null}
      </span>
    </span>
  );
}
