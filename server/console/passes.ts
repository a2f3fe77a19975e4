/**
 * Passes in the console: search by any identifier (phone numbers in any format, read with the
 * tenant's region), and the detail support staff need to answer "why didn't this pass update?":
 * preview, data, timeline of changes with the webhook behind each, devices, pushes and funnel.
 */
import type { Prisma } from "@prisma/client";
import { z } from "zod";
import { db } from "../db/client";
import { DomainError } from "@/server/platform/errors";
import { getTenant } from "../tenants/tenants";
import { normalizeEmail, normalizePhone } from "@/server/identifiers/identifiers";
import { passPreview } from "@/server/pass-types/preview";
import { pageArgs, pageFields, toPage } from "@/server/db/pagination";
import { audit } from "@/server/staff/audit";
import { passDeliveryFunnel } from "@/server/wallet/funnel";
import { findPassFile, pkpassFile } from "@/server/wallet/pass-file";
import { googlePassView } from "@/server/wallet/google/objects";

export const SEARCH_KINDS = ["any", "email", "phone", "customerId", "identifier", "serialNumber"] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

export const passSearchInput = z.object({
  /** Tenant slug; needed for every kind but serialNumber. */
  tenant: z.string().min(1).optional(),
  /** What to look for; empty lists the most recent passes. */
  q: z.string().trim().max(200).optional(),
  by: z.enum(SEARCH_KINDS).default("any"),
  ...pageFields,
});
export type PassSearchInput = z.infer<typeof passSearchInput>;

const passRowSelect = {
  id: true,
  serialNumber: true,
  data: true,
  voided: true,
  createdAt: true,
  updatedAt: true,
  tenant: { select: { slug: true } },
  passType: { select: { key: true, name: true } },
  customer: { select: { id: true, email: true, phone: true, customerId: true } },
} satisfies Prisma.PassSelect;

type Lookup = { label: string; where: Prisma.PassWhereInput };

const PHONE_LIKE = /^[+\d\s().\-/]{5,}$/;

/**
 * What to look for. With a tenant, everything is scoped to it and phone numbers are read with its
 * region; without one, email, customer id, custom identifier values and serial numbers are looked
 * up across tenants, and phone numbers only when written with their country code (+…).
 */
function lookups(q: string, by: SearchKind, tenant: { id: string; defaultPhoneRegion: string; customIdentifierKeys: string[] } | null): Lookup[] {
  const wants = (k: SearchKind) => by === "any" || by === k;
  const out: Lookup[] = [];
  const scoped = (where: Prisma.PassWhereInput): Prisma.PassWhereInput => (tenant ? { ...where, tenantId: tenant.id } : where);
  const ofCustomer = (customer: Prisma.CustomerWhereInput) => scoped({ customer });
  if (wants("serialNumber")) out.push({ label: "serialNumber", where: scoped({ serialNumber: q }) });
  if (wants("email") && (by === "email" || q.includes("@"))) out.push({ label: "email", where: ofCustomer({ email: normalizeEmail(q) }) });
  if (wants("phone") && (by === "phone" || PHONE_LIKE.test(q))) {
    if (!tenant && !q.trim().startsWith("+")) {
      if (by === "phone") throw new DomainError("invalid_input", "choose a tenant (its region reads the number), or write the number with its country code (+1 …)", "tenant");
    } else {
      try {
        out.push({ label: "phone", where: ofCustomer({ phone: normalizePhone(q, tenant?.defaultPhoneRegion ?? "US", "q") }) });
      } catch (err) {
        if (by === "phone") throw err;
      }
    }
  }
  if (wants("customerId")) out.push({ label: "customerId", where: ofCustomer({ customerId: q }) });
  if (wants("identifier")) {
    const eq = q.indexOf("=");
    const key = eq > 0 ? q.slice(0, eq).trim() : undefined;
    const known = key && (!tenant || tenant.customIdentifierKeys.includes(key));
    const identifier = known ? { key, value: q.slice(eq + 1).trim() } : { value: q };
    out.push({ label: known ? key : "identifier", where: ofCustomer({ identifiers: { some: { ...(tenant ? { tenantId: tenant.id } : {}), ...identifier } } }) });
  }
  return out;
}

/**
 * Passes matching the search, each with what matched it; without `q`, the tenant's (or every
 * tenant's) passes newest first, paginated.
 * @throws DomainError tenant_not_found, invalid_input (a phone number that cannot be valid)
 */
export async function searchPasses(input: PassSearchInput) {
  const tenant = input.tenant ? await getTenant(input.tenant) : null;
  if (!input.q) {
    const rows = await db().pass.findMany({ where: tenant ? { tenantId: tenant.id } : {}, select: passRowSelect, ...pageArgs(input) });
    return { ...toPage(rows.map((r) => ({ ...r, matchedBy: [] as string[] })), input.limit), searched: [] as string[] };
  }
  const found = lookups(input.q, input.by, tenant);
  const results = await Promise.all(found.map((l) => db().pass.findMany({ where: l.where, select: passRowSelect, orderBy: { createdAt: "desc" }, take: input.limit })));
  const byId = new Map<string, (typeof results)[number][number] & { matchedBy: string[] }>();
  results.forEach((rows, i) => {
    for (const row of rows) {
      const entry = byId.get(row.id) ?? { ...row, matchedBy: [] };
      entry.matchedBy.push(found[i]!.label);
      byId.set(row.id, entry);
    }
  });
  return { items: [...byId.values()].slice(0, input.limit), nextCursor: null, searched: found.map((l) => l.label) };
}

const TIMELINE_LIMIT = 100;

const passDetailSelect = {
  id: true,
  serialNumber: true,
  data: true,
  metadata: true,
  versionTag: true,
  voided: true,
  createdAt: true,
  updatedAt: true,
  tenant: { select: { slug: true, name: true } },
  passType: { select: { key: true, name: true, style: true, passTypeIdentifier: true, teamIdentifier: true, template: true, images: true, fields: true } },
  customer: { select: { id: true, email: true, phone: true, customerId: true, identifiers: { select: { key: true, value: true } } } },
  changes: {
    select: {
      id: true,
      versionTag: true,
      changes: true,
      alerting: true,
      muted: true,
      mutedReason: true,
      createdAt: true,
      task: { select: { id: true, kind: true, status: true, correlationId: true, replayOfId: true, receipt: { select: { id: true, endpoint: true, createdAt: true } } } },
    },
    orderBy: { createdAt: "desc" },
    take: TIMELINE_LIMIT,
  },
  registrations: {
    select: { createdAt: true, device: { select: { id: true, deviceLibraryIdentifier: true, pushToken: true, updatedAt: true } } },
    orderBy: { createdAt: "asc" },
  },
} satisfies Prisma.PassSelect;

/** Shows enough of a push token to tell devices apart; the whole token never leaves the server. */
export function maskToken(token: string): string {
  return token.length <= 12 ? "…" : `${token.slice(0, 8)}…${token.slice(-4)}`;
}

/**
 * Everything about one pass for support: preview, data and metadata, timeline (every change with
 * the task and webhook receipt behind it), recent tasks (failed ones too), devices, push
 * deliveries with their funnel stage. Never the authenticationToken.
 * @throws DomainError pass_not_found
 */
export async function getPassDetail(serialNumber: string, now = new Date()) {
  const pass = await db().pass.findUnique({ where: { serialNumber }, select: passDetailSelect });
  if (!pass) throw new DomainError("pass_not_found", `no pass ${JSON.stringify(serialNumber)}`, "serialNumber");
  const tasks = await db().syncTask.findMany({
    where: { passId: pass.id },
    select: { id: true, kind: true, status: true, errorCode: true, lastError: true, correlationId: true, receiptId: true, createdAt: true, finishedAt: true },
    orderBy: { createdAt: "desc" },
    take: 20,
  });
  const { key, name, style, passTypeIdentifier, teamIdentifier, fields } = pass.passType;
  const { deliveries, counts } = await passDeliveryFunnel(pass.id, { limit: TIMELINE_LIMIT, now });
  return {
    ...pass,
    passType: { key, name, style, passTypeIdentifier, teamIdentifier, fields },
    preview: passPreview({
      serialNumber: pass.serialNumber,
      passType: pass.passType,
      data: pass.data,
      metadata: pass.metadata,
      customerId: pass.customer.customerId,
      identifiers: Object.fromEntries(pass.customer.identifiers.map((i) => [i.key, i.value])),
    }),
    registrations: pass.registrations.map((r) => ({ ...r, device: { ...r.device, pushToken: maskToken(r.device.pushToken) } })),
    deliveries,
    funnel: counts,
    tasks,
    /** The pass's Google Wallet object (null: none yet): saved or not, last PATCH, notifying updates in 24 h. */
    google: await googlePassView(pass.id, now),
  };
}

/**
 * The current .pkpass of a pass for a staff member (OPERATOR or above: the file carries the
 * pass's authenticationToken, which the console otherwise never shows), built once per version
 * like device downloads, and audited as `pass.download`.
 * @returns the file and its download name `<serialNumber>.pkpass`
 * @throws DomainError pass_not_found; WalletConfigError when the tenant cannot sign passes
 */
export async function downloadPassForStaff(serialNumber: string, actor: string): Promise<{ body: Buffer; fileName: string }> {
  const row = await db().pass.findUnique({ where: { serialNumber }, select: { id: true, tenantId: true } });
  const pass = row ? await findPassFile({ passId: row.id }) : undefined;
  if (!row || !pass) throw new DomainError("pass_not_found", `no pass ${JSON.stringify(serialNumber)}`, "serialNumber");
  const file = await pkpassFile(pass);
  await audit({ actor, action: "pass.download", targetType: "Pass", targetId: row.id, tenantId: row.tenantId, details: { versionTag: pass.versionTag.toString() } });
  return { body: file.body, fileName: `${pass.serialNumber.replace(/[^A-Za-z0-9._-]/g, "_")}.pkpass` };
}
