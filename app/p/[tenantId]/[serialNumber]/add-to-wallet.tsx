/**
 * The Add to Wallet page's parts, server-rendered (no hooks, no client JavaScript of their own):
 * the pass preview (app/_components/pass-preview.tsx), the "Add to Apple Wallet" button (Apple's
 * badge wording; Apple's artwork may replace the styled button) and, from the `lg` breakpoint up,
 * a QR code of the page for the phone. `saveToGoogleWallet` is the slot of Google Wallet's save
 * button, beside Apple's.
 */
import { QRCodeSVG } from "qrcode.react";
import type { PassPageView } from "@/server/wallet/pass-page";
import { PassPreview } from "@/app/_components/pass-preview";

function Frame({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <main className="mx-auto flex min-h-screen max-w-4xl flex-col items-center px-4 py-8 sm:py-12">
      <h1 className="mb-6 text-center text-xl font-semibold text-slate-900 sm:text-2xl">{title}</h1>
      {children}
    </main>
  );
}

/** A wallet's button: a link styled as its badge (`tone`: the button colours), an icon, a label. */
function WalletButton({ href, testId, tone, icon, label }: { href: string; testId: string; tone: string; icon: React.ReactNode; label: string }) {
  return (
    <a
      href={href}
      className={`inline-flex h-12 min-w-[220px] items-center justify-center gap-3 rounded-xl px-5 text-base font-medium text-white shadow-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-teal-500 focus-visible:ring-offset-2 ${tone}`}
      data-testid={testId}
    >
      {icon}
      {label}
    </a>
  );
}

/** Google's "Save to Google Wallet" button, as a link to the pass's signed save link (pay.google.com). */
export function SaveToGoogleWallet({ url }: { url: string }) {
  const icon = (
    <svg width="22" height="22" viewBox="0 0 22 22" aria-hidden className="shrink-0">
      <rect x="1" y="3" width="20" height="16" rx="3" fill="#fff" />
      <rect x="3" y="6" width="16" height="3" rx="1" fill="#4285f4" />
      <rect x="3" y="10" width="16" height="3" rx="1" fill="#34a853" />
      <rect x="3" y="14" width="16" height="3" rx="1" fill="#fbbc04" />
    </svg>
  );
  return <WalletButton href={url} testId="save-to-google-wallet" tone="bg-slate-900 ring-1 ring-slate-700 hover:bg-slate-700" icon={icon} label="Save to Google Wallet" />;
}

/** Apple's "Add to Apple Wallet" badge, as a link to the signed .pkpass. */
function AppleWalletButton({ href }: { href: string }) {
  const icon = (
    <svg width="28" height="22" viewBox="0 0 28 22" aria-hidden className="shrink-0">
      <rect x="1" y="1" width="26" height="20" rx="4" fill="#fff" />
      <rect x="3" y="4" width="22" height="4" rx="1.5" fill="#34aadc" />
      <rect x="3" y="7" width="22" height="4" rx="1.5" fill="#4cd964" />
      <rect x="3" y="10" width="22" height="4" rx="1.5" fill="#ffcc00" />
      <rect x="3" y="13" width="22" height="5" rx="1.5" fill="#ff3b30" />
    </svg>
  );
  return <WalletButton href={href} testId="add-to-apple-wallet" tone="bg-black hover:bg-slate-800" icon={icon} label="Add to Apple Wallet" />;
}

export function AddToWallet({ view, saveToGoogleWallet }: { view: Extract<PassPageView, { state: "ok" }>; saveToGoogleWallet?: React.ReactNode }) {
  const organization = view.preview.organizationName || view.tenantName;
  return (
    <Frame title={`Your ${organization} pass`}>
      <div className="flex w-full flex-col items-center gap-10 lg:flex-row lg:items-start lg:justify-center">
        <section className="flex flex-col items-center gap-6" aria-label="Your pass">
          <PassPreview preview={view.preview} />
          <div className="flex flex-col items-center gap-3" data-testid="wallet-buttons">
            <AppleWalletButton href={view.pkpassUrl} />
            {saveToGoogleWallet}
          </div>
          <p className="max-w-[320px] text-center text-xs text-slate-500">
            This link works until {new Date(view.expiresAt).toLocaleDateString("en-US", { dateStyle: "long", timeZone: "UTC" })}. The pass stays up to date in your Wallet.
          </p>
        </section>
        <aside className="hidden flex-col items-center gap-3 rounded-2xl bg-white p-6 text-center shadow-sm ring-1 ring-black/5 lg:flex" data-testid="scan-with-phone">
          <h2 className="text-sm font-semibold text-slate-900">On your computer?</h2>
          <p className="max-w-[220px] text-xs text-slate-600">Scan this code with your phone&apos;s camera to open this page there and add the pass to your Wallet.</p>
          <div role="img" aria-label="QR code of this page" data-testid="page-qr" data-value={view.pageUrl}>
            <QRCodeSVG value={view.pageUrl} size={200} level="M" marginSize={2} />
          </div>
        </aside>
      </div>
    </Frame>
  );
}

/** The page of an expired link: ask for a new one. */
export function LinkExpired({ tenantName }: { tenantName: string }) {
  return (
    <Frame title="This link has expired">
      <div className="max-w-md rounded-2xl bg-white p-6 text-center shadow-sm ring-1 ring-black/5" data-testid="link-expired">
        <p className="text-sm text-slate-700">For your security, links to add your {tenantName} pass to your Wallet only work for a while.</p>
        <p className="mt-3 text-sm font-medium text-slate-900">Ask {tenantName} for a new link.</p>
      </div>
    </Frame>
  );
}
