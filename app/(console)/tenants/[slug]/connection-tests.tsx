"use client";
/**
 * "Test connection" for a tenant's integrations: the Klaviyo private API key (a check that writes
 * nothing in Klaviyo) and the Google Wallet issuer (a token for its service account and a read of
 * a class). One button and outcome line, fed by each integration's tRPC mutation.
 */
import { useMutation } from "@tanstack/react-query";
import { useTRPC } from "@/app/_trpc/react";

interface Outcome {
  ok: boolean;
  problem: string | null;
}

function ConnectionTest(props: { pending: boolean; run: () => void; outcome: Outcome | null | undefined; error: string | null; testId: string; okText: (o: Outcome) => string; none?: string }) {
  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        disabled={props.pending}
        onClick={props.run}
        className="rounded-md border border-slate-300 px-2 py-0.5 text-xs font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-60"
      >
        {props.pending ? "Testing…" : "Test connection"}
      </button>
      <span role="status" data-testid={props.testId} className="text-xs">
        {props.outcome?.ok ? <span className="text-emerald-700">{props.okText(props.outcome)}</span> : null}
        {props.outcome && !props.outcome.ok ? <span className="text-rose-700">Failed: {props.outcome.problem}</span> : null}
        {props.outcome === null && props.none ? <span className="text-slate-600">{props.none}</span> : null}
        {props.error ? <span className="text-rose-700">{props.error}</span> : null}
      </span>
    </span>
  );
}

export function KlaviyoConnectionTest({ tenant }: { tenant: string }) {
  const trpc = useTRPC();
  const test = useMutation(trpc.tenants.testKlaviyoKey.mutationOptions());
  return (
    <ConnectionTest
      pending={test.isPending}
      run={() => test.mutate({ tenant })}
      outcome={test.data && { ok: test.data.ok, problem: test.data.ok ? null : test.data.reason }}
      error={test.error?.message ?? null}
      testId="klaviyo-connection-result"
      okText={() => "Connected: the key works and has profiles:write and events:write."}
    />
  );
}

export function GoogleConnectionTest({ tenant }: { tenant: string }) {
  const trpc = useTRPC();
  const test = useMutation(trpc.tenants.testGoogleConnection.mutationOptions());
  return (
    <ConnectionTest
      pending={test.isPending}
      run={() => test.mutate({ tenant })}
      outcome={test.isSuccess ? test.data : undefined}
      error={test.error?.message ?? null}
      testId="google-connection-result"
      okText={() => `Connected: Google accepts the service account for issuer ${test.data?.issuerId}.`}
      none="No Google Wallet issuer is set."
    />
  );
}
