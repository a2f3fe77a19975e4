/**
 * The "Add to Wallet" page at a pass's signed page link (server/wallet/pass-page.ts): the pass's
 * preview, an "Add to Apple Wallet" button that downloads the signed .pkpass, and on a wide screen
 * a QR code of this page to open it on the phone; on Android and desktop also "Save to Google
 * Wallet" when the tenant has a Google Wallet issuer. Public (no console session: the link's signature
 * is the credential), server-rendered, mobile first; each GET records PAGE_OPENED (a HEAD or a
 * browser prefetch does not). An expired link is answered by proxy.ts (410, "ask for a new link";
 * the page's own expired view covers a link that expires on the way); a bad one gets the
 * not-found page beside this one (404).
 */
import type { Metadata } from "next";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { openPassPage } from "@/server/wallet/pass-page";
import { REQUEST_METHOD_HEADER } from "@/app/_lib/request-method";
import { AddToWallet, LinkExpired, SaveToGoogleWallet } from "./add-to-wallet";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Add to Wallet", robots: { index: false, follow: false } };

type Props = { params: Promise<{ tenantId: string; serialNumber: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : null);

/** An iPhone or iPad (Apple Wallet only; Android and desktop visitors also get Google Wallet's button). */
function isAppleDevice(h: Headers): boolean {
  return /iPhone|iPad|iPod/.test(h.get("user-agent") ?? "");
}

/** A real opening: a GET that is not a browser's speculative prefetch. */
function isOpening(h: Headers): boolean {
  const purpose = `${h.get("sec-purpose") ?? ""} ${h.get("purpose") ?? ""}`;
  return h.get(REQUEST_METHOD_HEADER) === "GET" && !/prefetch|prerender/i.test(purpose);
}

export default async function AddToWalletPage({ params, searchParams }: Props) {
  const [{ tenantId, serialNumber }, q, h] = await Promise.all([params, searchParams, headers()]);
  const view = await openPassPage({ tenant: tenantId, serialNumber, expires: one(q.expires), signature: one(q.signature), record: isOpening(h), google: !isAppleDevice(h) });
  if (view.state === "not_found") notFound();
  if (view.state === "expired") return <LinkExpired tenantName={view.tenantName} />;
  const google = view.googleSaveUrl ? <SaveToGoogleWallet url={view.googleSaveUrl} /> : null;
  return <AddToWallet view={view} saveToGoogleWallet={google} />;
}
