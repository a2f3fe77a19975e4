/**
 * The "Add to Wallet" page a customer opens from a pass's page link
 * (`/p/{tenant}/{serialNumber}?expires&signature`, server/wallet/links.ts): what it shows and the
 * PAGE_OPENED event each opening records. No console session: the signature (purpose
 * `pass-page-link`, a key of its own, so a page link never opens the .pkpass) is the credential.
 *
 * Outcomes: `ok` (the pass's preview, its .pkpass link valid exactly as long as the page link, and
 * the page's own URL for the desktop QR code, and the Google Wallet save link when asked),
 * `expired` (the link's time is over: ask for a new
 * one; HTTP 410), `not_found` (unknown tenant or pass, erased or voided pass, unsigned or wrongly
 * signed link; HTTP 404, telling nobody which).
 */
import { db } from "../db/client";
import { poolSql } from "../db/sql";
import { findTenant } from "../tenants/tenants";
import { recordPassEvent } from "../passes/events";
import { passPreview, type PassPreview } from "@/server/pass-types/preview";
import { checkLinkSignature, pkpassLinkUntil, signedLink } from "./links";
import { googleSaveUrl } from "./google/objects";

export type PassPageView =
  | {
      state: "ok";
      tenantName: string;
      preview: PassPreview;
      /** The signed .pkpass link ("Add to Apple Wallet"), expiring with the page link. */
      pkpassUrl: string;
      /** This page's signed URL (the QR code a desktop shows, to open it on the phone). */
      pageUrl: string;
      expiresAt: string;
      /** The "Save to Google Wallet" link, when asked for and the tenant has a Google Wallet issuer. */
      googleSaveUrl: string | null;
    }
  | { state: "expired"; tenantName: string }
  | { state: "not_found" };

/**
 * Checks a page link and reads what its page shows; a real opening (`record`: a GET, not a
 * HEAD or a prefetch) records PAGE_OPENED, one per opening (no dedupe key, no personal data).
 */
export async function openPassPage(input: {
  tenant: string;
  serialNumber: string;
  expires: string | null;
  signature: string | null;
  record: boolean;
  /** Also make the Google Wallet save link (Android and desktop visitors). */
  google?: boolean;
  now?: Date;
}): Promise<PassPageView> {
  const tenant = await findTenant(input.tenant);
  if (!tenant) return { state: "not_found" };
  const check = checkLinkSignature({ purpose: "pass-page-link", tenantId: tenant.id, serialNumber: input.serialNumber, expires: input.expires, signature: input.signature, now: input.now });
  if (check === "expired") return { state: "expired", tenantName: tenant.name };
  if (check !== "valid") return { state: "not_found" };
  const pass = await db().pass.findFirst({
    where: { tenantId: tenant.id, serialNumber: input.serialNumber, erasedAt: null, voided: false },
    select: {
      id: true,
      serialNumber: true,
      passTypeId: true,
      data: true,
      metadata: true,
      passType: { select: { style: true, template: true, images: true, fields: true } },
      customer: { select: { customerId: true, identifiers: { select: { key: true, value: true } } } },
    },
  });
  if (!pass) return { state: "not_found" };
  if (input.record) await recordPassEvent(poolSql(), { tenantId: tenant.id, passId: pass.id, passTypeId: pass.passTypeId, kind: "PAGE_OPENED" });
  const expires = Number(input.expires);
  return {
    state: "ok",
    tenantName: tenant.name,
    preview: passPreview({
      serialNumber: pass.serialNumber,
      passType: pass.passType,
      data: pass.data,
      metadata: pass.metadata,
      customerId: pass.customer.customerId,
      identifiers: Object.fromEntries(pass.customer.identifiers.map((i) => [i.key, i.value])),
    }),
    pkpassUrl: pkpassLinkUntil(tenant, pass.serialNumber, expires),
    pageUrl: signedLink("pass-page-link", tenant, pass.serialNumber, expires),
    expiresAt: new Date(expires * 1000).toISOString(),
    googleSaveUrl: input.google ? await googleSaveUrl(tenant.id, pass.serialNumber) : null,
  };
}

