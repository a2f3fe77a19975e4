"use client";
/**
 * The admin's "Erase customer" action: a confirmation naming what will be removed (the counts of
 * customers.erasurePreview), then customers.erase.
 */
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/app/_trpc/react";

const button = "rounded-md px-3 py-1.5 text-sm font-medium disabled:opacity-60";

const LABELS: Record<string, string> = {
  customers: "customer record",
  identifiers: "custom identifiers",
  passes: "passes (voided and pushed, then unregistered)",
  passChanges: "pass changes",
  passEvents: "pass events (issued, installed, updated…)",
  pushDeliveries: "push deliveries",
  registrations: "device registrations",
  deviceLogs: "device log lines",
  tasks: "sync tasks (input, output, error)",
  receipts: "webhook receipts (headers, raw body)",
  executorRuns: "function runs (step results)",
};

/** The erase button and its confirmation. */
export function EraseCustomer({ customerId }: { customerId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const preview = useQuery({ ...trpc.customers.erasurePreview.queryOptions({ id: customerId }), enabled: confirming, staleTime: 0 });
  const erase = useMutation(
    trpc.customers.erase.mutationOptions({
      onSuccess: () => {
        setConfirming(false);
        router.refresh();
      },
    }),
  );
  if (erase.isSuccess) return <p className="text-sm text-emerald-700" role="status">Customer erased.</p>;
  return (
    <div className="flex flex-wrap items-center gap-3 text-sm" data-testid="erase-customer">
      {!confirming ? (
        <button type="button" className={`${button} border border-rose-500 text-rose-800 hover:bg-rose-50`} onClick={() => setConfirming(true)}>
          Erase customer…
        </button>
      ) : (
        <div className="flex flex-col gap-2 rounded-md border border-rose-300 bg-rose-50 px-3 py-2" role="alertdialog" aria-label="Confirm erasure">
          {preview.isPending ? (
            <span>Counting…</span>
          ) : preview.isError ? (
            <span className="text-rose-700">{preview.error.message}</span>
          ) : (
            <>
              <span>Erase this customer&apos;s personal data for good? This removes or anonymises:</span>
              <ul className="list-disc pl-5" data-testid="erasure-counts">
                {Object.entries(preview.data.counts).map(([kind, n]) => (
                  <li key={kind}>
                    <b>{n}</b> {LABELS[kind] ?? kind}
                  </li>
                ))}
              </ul>
              <span>It cannot be undone.</span>
              <div className="flex gap-2">
                <button type="button" disabled={erase.isPending} className={`${button} bg-rose-600 text-white hover:bg-rose-700`} onClick={() => erase.mutate({ id: customerId })}>
                  Erase customer
                </button>
                <button type="button" className={`${button} border border-slate-300 bg-white`} onClick={() => setConfirming(false)}>
                  Cancel
                </button>
              </div>
            </>
          )}
        </div>
      )}
      {erase.error ? <span className="text-rose-700">{erase.error.message}</span> : null}
    </div>
  );
}
