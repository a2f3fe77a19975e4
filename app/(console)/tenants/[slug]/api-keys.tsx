"use client";
/** A tenant's API keys: list, create (the key is shown once) and revoke, for operators. */
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/app/_trpc/react";
import { formatTime } from "@/app/_lib/format";
import { Badge, Mono, Table, Td } from "../../_components/ui";

interface Key {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

export function ApiKeys({ tenant, keys, canManage }: { tenant: string; keys: Key[]; canManage: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [shown, setShown] = useState<{ key: string; prefix: string } | null>(null);
  const create = useMutation(
    trpc.tenants.createApiKey.mutationOptions({
      onSuccess: (created) => {
        setShown({ key: created.key, prefix: created.prefix });
        router.refresh();
      },
    }),
  );
  const revoke = useMutation(trpc.tenants.revokeApiKey.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <div className="space-y-4">
      {canManage ? (
        <form
          className="flex flex-wrap items-end gap-2"
          data-testid="create-api-key"
          onSubmit={(e) => {
            e.preventDefault();
            const name = String(new FormData(e.currentTarget).get("name") ?? "").trim();
            if (name) create.mutate({ tenant, name });
          }}
        >
          <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
            New key name
            <input name="name" required placeholder="Klaviyo VIP flow" className="w-64 rounded-md border border-slate-300 px-2 py-1.5 text-sm" />
          </label>
          <button type="submit" disabled={create.isPending} className="rounded-md bg-teal-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-teal-800 disabled:opacity-60">
            Create API key
          </button>
          {create.error ? <span className="text-sm text-rose-700">{create.error.message}</span> : null}
        </form>
      ) : null}
      {shown ? (
        <div className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm" role="status" data-testid="new-api-key">
          <p className="font-medium text-amber-900">Copy this key now: it is shown only once. Passflow keeps only its hash.</p>
          <div className="mt-2 flex items-center gap-2">
            <code className="break-all rounded bg-white px-2 py-1 font-mono text-xs ring-1 ring-amber-200" data-testid="new-api-key-value">
              {shown.key}
            </code>
            <button type="button" className="rounded-md border border-amber-400 px-2 py-1 text-xs" onClick={() => void navigator.clipboard?.writeText(shown.key)}>
              Copy
            </button>
            <button type="button" className="rounded-md border border-amber-400 px-2 py-1 text-xs" onClick={() => setShown(null)}>
              Done
            </button>
          </div>
          <p className="mt-2 text-xs text-amber-900">
            Use it in the Klaviyo webhook as <Mono>Authorization: Bearer …</Mono> or <Mono>X-API-KEY</Mono>.
          </p>
        </div>
      ) : null}
      <Table head={["Name", "Prefix", "Scopes", "Created", "Last used", "State", ""]} empty={<p className="text-sm text-slate-500">No API keys yet.</p>}>
        {keys.map((k) => (
          <tr key={k.id} data-testid="api-key-row">
            <Td>{k.name}</Td>
            <Td>
              <Mono>{k.prefix}</Mono>
            </Td>
            <Td className="text-xs">{k.scopes.join(", ")}</Td>
            <Td className="text-xs">{formatTime(k.createdAt)}</Td>
            <Td className="text-xs">{formatTime(k.lastUsedAt)}</Td>
            <Td>{k.revokedAt ? <Badge tone="red">revoked</Badge> : <Badge tone="green">active</Badge>}</Td>
            <Td>
              {canManage && !k.revokedAt ? (
                <button
                  type="button"
                  className="rounded-md border border-rose-300 px-2 py-1 text-xs text-rose-700 hover:bg-rose-50"
                  disabled={revoke.isPending}
                  onClick={() => {
                    if (window.confirm(`Revoke ${k.prefix} (${k.name})? Webhooks using it will be refused with 401.`)) revoke.mutate({ prefix: k.prefix });
                  }}
                >
                  Revoke
                </button>
              ) : null}
            </Td>
          </tr>
        ))}
      </Table>
      {revoke.error ? <p className="text-sm text-rose-700">{revoke.error.message}</p> : null}
    </div>
  );
}
