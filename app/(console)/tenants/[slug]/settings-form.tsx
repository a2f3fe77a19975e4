"use client";
/** Operators change a tenant's integration settings; admins also suspend or reactivate it. Secrets are write-only. */
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/app/_trpc/react";

interface Settings {
  slug: string;
  status: "ACTIVE" | "SUSPENDED";
  klaviyoEnabled: boolean;
  merchantSyncUrl: string | null;
  defaultPhoneRegion: string;
  customIdentifierKeys: string[];
  notProvidedValues: string[];
  tenantRequestsPerMinute: number;
  apiKeyRequestsPerMinute: number;
  retentionDays: number;
  rawBodyRetentionDays: number;
  passLinkTtlDays: number;
  googleIssuerId: string | null;
}

export function SettingsForm({ tenant, canChangeStatus }: { tenant: Settings; canChangeStatus: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [saved, setSaved] = useState(false);
  const update = useMutation(trpc.tenants.updateIntegration.mutationOptions({ onSuccess: () => (setSaved(true), router.refresh()) }));
  const status = useMutation(trpc.tenants.setStatus.mutationOptions({ onSuccess: () => router.refresh() }));
  const field = "rounded-md border border-slate-300 px-2 py-1.5 text-sm";
  const label = "flex flex-col gap-1 text-xs font-medium text-slate-600";

  function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSaved(false);
    const d = new FormData(e.currentTarget);
    const text = (k: string) => String(d.get(k) ?? "").trim();
    const url = text("merchantSyncUrl");
    const list = (k: string) => text(k).split(",").map((v) => v.trim()).filter(Boolean);
    const keys = list("customIdentifierKeys");
    update.mutate({
      tenant: tenant.slug,
      klaviyoEnabled: d.get("klaviyoEnabled") === "on",
      merchantSyncUrl: url || null,
      defaultPhoneRegion: text("defaultPhoneRegion").toUpperCase(),
      customIdentifierKeys: keys,
      notProvidedValues: list("notProvidedValues"),
      tenantRequestsPerMinute: Number(text("tenantRequestsPerMinute")),
      apiKeyRequestsPerMinute: Number(text("apiKeyRequestsPerMinute")),
      retentionDays: Number(text("retentionDays")),
      rawBodyRetentionDays: Number(text("rawBodyRetentionDays")),
      passLinkTtlDays: Number(text("passLinkTtlDays")),
      // blank secrets stay as they are
      ...(text("klaviyoWebhookSecret") ? { klaviyoWebhookSecret: text("klaviyoWebhookSecret") } : {}),
      ...(text("merchantSyncSecret") ? { merchantSyncSecret: text("merchantSyncSecret") } : {}),
      ...(text("klaviyoApiKey") ? { klaviyoApiKey: text("klaviyoApiKey") } : d.get("removeKlaviyoApiKey") === "on" ? { klaviyoApiKey: null } : {}),
      ...(d.get("dropPreviousWebhookSecret") === "on" ? { dropPreviousWebhookSecret: true } : {}),
      // Google Wallet: a blank issuer id removes the issuer (and its key); a blank key stays as it is
      ...(text("googleIssuerId") !== (tenant.googleIssuerId ?? "") ? { googleIssuerId: text("googleIssuerId") || null } : {}),
      ...(text("googleServiceAccount") ? { googleServiceAccount: text("googleServiceAccount") } : {}),
    });
  }

  return (
    <div className="space-y-4">
      <form onSubmit={submit} className="grid gap-3 sm:grid-cols-2" data-testid="integration-settings">
        <label className="flex items-center gap-2 text-sm sm:col-span-2">
          <input type="checkbox" name="klaviyoEnabled" defaultChecked={tenant.klaviyoEnabled} /> Klaviyo listeners enabled
        </label>
        <label className={`${label} sm:col-span-2`}>
          Merchant sync-back URL (blank: none)
          <input name="merchantSyncUrl" type="url" defaultValue={tenant.merchantSyncUrl ?? ""} className={field} />
        </label>
        <label className={label}>
          New Klaviyo webhook secret (blank: unchanged)
          <input name="klaviyoWebhookSecret" type="password" autoComplete="off" minLength={16} className={field} />
        </label>
        <label className={label}>
          New merchant sync secret (blank: unchanged)
          <input name="merchantSyncSecret" type="password" autoComplete="off" placeholder="whsec_…" pattern="whsec_[A-Za-z0-9+/]{32,}={0,2}" title="whsec_ followed by base64 of 24 to 64 random bytes" className={field} />
        </label>
        <label className={label}>
          New Klaviyo private API key, scopes profiles:write and events:write (blank: unchanged)
          <input name="klaviyoApiKey" type="password" autoComplete="off" placeholder="pk_…" pattern="pk_[A-Za-z0-9_\-]{8,200}" title="a Klaviyo private API key: pk_ followed by letters and digits" className={field} />
        </label>
        <label className="flex items-center gap-2 self-end text-sm">
          <input type="checkbox" name="removeKlaviyoApiKey" /> Remove the Klaviyo private API key (stop sending to Klaviyo)
        </label>
        <label className={label}>
          Google Wallet issuer id (Google Pay &amp; Wallet Console; blank: no Google Wallet)
          <input name="googleIssuerId" inputMode="numeric" pattern="[0-9]{6,25}" defaultValue={tenant.googleIssuerId ?? ""} className={field} />
        </label>
        <label className={label}>
          New Google service account key, the JSON file (blank: unchanged)
          <textarea name="googleServiceAccount" rows={2} autoComplete="off" spellCheck={false} placeholder='{"type": "service_account", …}' className={`${field} font-mono`} />
        </label>
        <label className="flex items-center gap-2 text-sm sm:col-span-2">
          <input type="checkbox" name="dropPreviousWebhookSecret" /> Forget the previous webhook secret (rotation finished)
        </label>
        <label className={label}>
          Phone region (ISO 3166-1)
          <input name="defaultPhoneRegion" defaultValue={tenant.defaultPhoneRegion} maxLength={2} className={field} />
        </label>
        <label className={label}>
          Custom identifier keys (comma separated)
          <input name="customIdentifierKeys" defaultValue={tenant.customIdentifierKeys.join(", ")} className={field} />
        </label>
        <label className={`${label} sm:col-span-2`}>
          Values that mean “not provided” besides the blank string (comma separated, e.g. -, N/A)
          <input name="notProvidedValues" defaultValue={tenant.notProvidedValues.join(", ")} placeholder="-, N/A" className={field} />
        </label>
        <label className={label}>
          Requests / minute per tenant
          <input name="tenantRequestsPerMinute" type="number" min={1} defaultValue={tenant.tenantRequestsPerMinute} className={field} />
        </label>
        <label className={label}>
          Requests / minute per API key
          <input name="apiKeyRequestsPerMinute" type="number" min={1} defaultValue={tenant.apiKeyRequestsPerMinute} className={field} />
        </label>
        <label className={label}>
          Keep webhook bodies and headers (days)
          <input name="rawBodyRetentionDays" type="number" min={1} defaultValue={tenant.rawBodyRetentionDays} className={field} />
        </label>
        <label className={label}>
          Keep receipts, tasks, pass changes, pushes (days)
          <input name="retentionDays" type="number" min={1} defaultValue={tenant.retentionDays} className={field} />
        </label>
        <label className={label}>
          Pass links (Add to Wallet page, .pkpass) stay valid (days)
          <input name="passLinkTtlDays" type="number" min={1} max={366} defaultValue={tenant.passLinkTtlDays} className={field} />
        </label>
        <div className="flex items-center gap-3 sm:col-span-2">
          <button type="submit" disabled={update.isPending} className="rounded-md bg-teal-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-teal-800 disabled:opacity-60">
            Save settings
          </button>
          {saved ? <span className="text-sm text-emerald-700">Saved.</span> : null}
          {update.error ? <span className="text-sm text-rose-700">{update.error.message}</span> : null}
        </div>
      </form>
      {canChangeStatus ? (
        <div className="flex items-center gap-3 border-t border-slate-100 pt-3">
          <button
            type="button"
            className={`rounded-md px-3 py-1.5 text-sm font-medium ${tenant.status === "ACTIVE" ? "border border-rose-300 text-rose-700 hover:bg-rose-50" : "bg-teal-700 text-white hover:bg-teal-800"}`}
            onClick={() => {
              const next = tenant.status === "ACTIVE" ? "SUSPENDED" : "ACTIVE";
              if (window.confirm(`${next === "SUSPENDED" ? "Suspend" : "Reactivate"} tenant ${tenant.slug}?`)) status.mutate({ tenant: tenant.slug, status: next });
            }}
          >
            {tenant.status === "ACTIVE" ? "Suspend tenant" : "Reactivate tenant"}
          </button>
          {status.error ? <span className="text-sm text-rose-700">{status.error.message}</span> : null}
        </div>
      ) : null}
    </div>
  );
}
