"use client";
/** "Test connection" for the tenant's Google Wallet issuer: a token for its service account and a read of a class, and the outcome. */
import { useMutation } from "@tanstack/react-query";
import { useTRPC } from "@/app/_trpc/react";

export function GoogleConnectionTest({ tenant }: { tenant: string }) {
  const trpc = useTRPC();
  const test = useMutation(trpc.tenants.testGoogleConnection.mutationOptions());
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
      <span role="status" data-testid="google-connection-result" className="text-xs">
        {test.data?.ok ? <span className="text-emerald-700">Connected: Google accepts the service account for issuer {test.data.issuerId}.</span> : null}
        {test.data && !test.data.ok ? <span className="text-rose-700">Failed: {test.data.problem}</span> : null}
        {test.isSuccess && test.data === null ? <span className="text-slate-600">No Google Wallet issuer is set.</span> : null}
        {test.error ? <span className="text-rose-700">{test.error.message}</span> : null}
      </span>
    </span>
  );
}
