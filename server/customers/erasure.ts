/**
 * Customer erasure ("right to be forgotten"): removes or irreversibly anonymises one customer's
 * personal data everywhere Passflow holds it, in one transaction, then pushes its voided passes.
 *
 * What is erased, all within the customer's tenant:
 * - the customer row: email, phone, customerId, Klaviyo profile id, properties and consent
 *   emptied (the row stays, `erasedAt` set, only so its passes can be pushed once); its custom
 *   identifiers deleted;
 * - its passes: voided, data and metadata emptied, a new version (`erasedAt` set); their pass
 *   changes, pass events (the funnel's and Klaviyo's), push deliveries and device log lines deleted. `pass.changed` is sent for each, and
 *   the push pipeline (server/wallet/push.ts) drops an erased pass's registrations once it has
 *   pushed it; from then on the PassKit web service answers for it as for an unknown pass;
 * - sync tasks that carried it (of its passes, recording it as the customer, or whose input
 *   names one of its identifiers) and the webhook receipts behind them, plus every receipt whose
 *   body names one of its identifiers: task input, output, last error and dedupe key, receipt
 *   headers, raw body and Idempotency-Key emptied (`erasedAt` set); unfinished ones end FAILED
 *   `customer_erased`. The embedded executor's memoized step results and outputs of their runs
 *   (which hold what the steps returned, sync-back payloads included) are emptied too.
 *
 * The audit log records who erased which customer record (internal id), when, and how many rows
 * of each kind; never an identifier.
 */
import { randomUUID } from "node:crypto";
import { Prisma } from "@prisma/client";
import { db } from "../db/client";
import { DomainError } from "@/server/platform/errors";
import { logger } from "@/server/platform/log";
import { inngest } from "@/inngest/client";
import { passVersionEvents } from "@/inngest/events";
import { audit } from "@/server/staff/audit";
import { getTenant } from "@/server/tenants/tenants";
import { normalizeIdentifiers, normalizePhone, phoneDigits } from "@/server/identifiers/identifiers";
import { findCustomer } from "@/server/identifiers/resolve";

type Tx = Prisma.TransactionClient;

/** The customer to erase: its record id (console), or identifiers within a tenant (CLI, API). */
export type ErasureTarget = { customerRecordId: string } | { tenant: string; email?: string; phone?: string; customerId?: string };

/** How many rows of each kind an erasure removes or anonymises. */
export interface ErasureCounts {
  customers: number;
  identifiers: number;
  passes: number;
  passChanges: number;
  /** PassEvent rows of the passes (issued, installed, updated…). */
  passEvents: number;
  pushDeliveries: number;
  /** Device registrations of the passes, dropped when the grace period after the push ends. */
  registrations: number;
  deviceLogs: number;
  tasks: number;
  receipts: number;
  executorRuns: number;
}

export interface ErasurePreview {
  /** The internal Customer.id (not personal data). */
  customerRecordId: string;
  tenant: { id: string; slug: string };
  counts: ErasureCounts;
}

export interface ErasureResult extends ErasurePreview {
  erasedAt: Date;
  /** Correlation id of the erasure (its pushes carry it). */
  correlationId: string;
  /** Voided pass versions whose `pass.changed` was sent (less than `counts.passes` when the send failed). */
  pushed: number;
}

interface Subject {
  id: string;
  tenantId: string;
  tenantSlug: string;
  region: string;
  email: string | null;
  phone: string | null;
  customerId: string | null;
  klaviyoProfileId: string | null;
  custom: string[];
}

interface Plan {
  passIds: string[];
  taskIds: string[];
  receiptIds: string[];
  runIds: string[];
  counts: ErasureCounts;
}

/** The Customer.id the target names (before the transaction: the lookups use connections of their own). */
async function targetId(target: ErasureTarget): Promise<string> {
  if ("customerRecordId" in target) return target.customerRecordId;
  const tenant = await getTenant(target.tenant);
  const ids = normalizeIdentifiers({ email: target.email, phone: target.phone, customerId: target.customerId }, tenant);
  if (!ids.email && !ids.phone && !ids.customerId) throw new DomainError("invalid_input", "name the customer by email, phone or customerId", "identifiers");
  const match = await findCustomer(tenant.id, ids, undefined, { mustAgree: true });
  if (!match) throw new DomainError("not_found", `no customer with those identifiers in tenant ${tenant.slug}`, "customer");
  return match.id;
}

/** Locks the customer row and reads what identifies it. @throws DomainError not_found (none, or already erased) */
async function lockSubject(tx: Tx, id: string): Promise<Subject> {
  const [row] = await tx.$queryRaw<(Omit<Subject, "custom"> & { erased: boolean })[]>`
    SELECT c.id, c."tenantId", t.slug AS "tenantSlug", t."defaultPhoneRegion" AS region, c.email, c.phone, c."customerId", c."klaviyoProfileId", c."erasedAt" IS NOT NULL AS erased
      FROM "Customer" c JOIN "Tenant" t ON t.id = c."tenantId" WHERE c.id = ${id} FOR UPDATE OF c`;
  if (!row || row.erased) throw new DomainError("not_found", row ? `customer ${id} was already erased` : `no customer ${JSON.stringify(id)}`, "customer");
  const custom = await tx.customerIdentifier.findMany({ where: { customerRecordId: id }, select: { value: true } });
  return { ...row, custom: custom.map((c) => c.value) };
}

/** True when a string (or number) inside a stored body names the subject. */
function namesSubject(value: unknown, s: Subject): boolean {
  if (typeof value === "number") return namesSubject(String(value), s);
  if (typeof value === "string") {
    const v = value.trim();
    if (s.email && v.toLowerCase().includes(s.email)) return true;
    if ([s.customerId, s.klaviyoProfileId, ...s.custom].some((x) => x && x === v)) return true;
    if (s.phone && /\d{6}/.test(v.replace(/\D/g, ""))) {
      try {
        if (normalizePhone(v, s.region) === s.phone) return true;
      } catch {
        // not a phone number
      }
    }
    return false;
  }
  if (Array.isArray(value)) return value.some((x) => namesSubject(x, s));
  if (value && typeof value === "object") return Object.values(value).some((x) => namesSubject(x, s));
  return false;
}

function bodyNamesSubject(rawBody: string, s: Subject): boolean {
  try {
    return namesSubject(JSON.parse(rawBody), s);
  } catch {
    return true; // the text matched the search and cannot be read: erase rather than keep
  }
}

/** A SQL condition: `text` contains one of the subject's identifiers (a superset, checked by namesSubject). */
function mentionCondition(text: Prisma.Sql, s: Subject): Prisma.Sql {
  const needles = [s.email, s.customerId, s.klaviyoProfileId, ...s.custom].filter((x): x is string => !!x).map((x) => x.toLowerCase());
  const digits = s.phone ? phoneDigits(s.phone) : null;
  return Prisma.sql`(EXISTS (SELECT 1 FROM unnest(${needles}::text[]) n WHERE strpos(lower(${text}), n) > 0)
    OR (${digits}::text IS NOT NULL AND strpos(regexp_replace(${text}, '[^0-9]', '', 'g'), ${digits}::text) > 0))`;
}

/** Everything that carries the subject, and the counts. */
async function plan(tx: Tx, s: Subject): Promise<Plan> {
  const passIds = (await tx.pass.findMany({ where: { customerRecordId: s.id }, select: { id: true }, orderBy: { createdAt: "asc" } })).map((p) => p.id);
  const tasks = await tx.$queryRaw<{ id: string; receiptId: string | null; input: unknown; direct: boolean }[]>`
    SELECT id, "receiptId", input, ("passId" = ANY(${passIds}::text[]) OR output->>'customerRecordId' = ${s.id}) AS direct
      FROM "SyncTask"
     WHERE "tenantId" = ${s.tenantId} AND "erasedAt" IS NULL
       AND ("passId" = ANY(${passIds}::text[]) OR output->>'customerRecordId' = ${s.id} OR ${mentionCondition(Prisma.sql`input::text`, s)})`;
  const taskIds = new Set(tasks.filter((t) => t.direct || namesSubject(t.input, s)).map((t) => t.id));
  const receiptIds = new Set(tasks.filter((t) => taskIds.has(t.id) && t.receiptId).map((t) => t.receiptId!));
  const receipts = await tx.$queryRaw<{ id: string; rawBody: string }[]>`
    SELECT id, "rawBody" FROM "WebhookReceipt"
     WHERE "tenantId" = ${s.tenantId} AND "erasedAt" IS NULL AND ${mentionCondition(Prisma.sql`"rawBody"`, s)}`;
  for (const r of receipts) if (bodyNamesSubject(r.rawBody, s)) receiptIds.add(r.id);
  // every task of an erased receipt carried the body too
  const ofReceipts = await tx.syncTask.findMany({ where: { receiptId: { in: [...receiptIds] }, erasedAt: null }, select: { id: true } });
  for (const t of ofReceipts) taskIds.add(t.id);
  const runs = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM "ExecutorRun"
     WHERE event->'data'->>'taskId' = ANY(${[...taskIds]}::text[]) OR event->'data'->>'passId' = ANY(${passIds}::text[])`;
  const inPasses = { passId: { in: passIds } };
  const counts: ErasureCounts = {
    customers: 1,
    identifiers: s.custom.length,
    passes: passIds.length,
    passChanges: await tx.passChange.count({ where: inPasses }),
    passEvents: await tx.passEvent.count({ where: inPasses }),
    pushDeliveries: await tx.pushDelivery.count({ where: inPasses }),
    registrations: await tx.registration.count({ where: inPasses }),
    deviceLogs: await tx.passKitLog.count({ where: inPasses }),
    tasks: taskIds.size,
    receipts: receiptIds.size,
    executorRuns: runs.length,
  };
  return { passIds, taskIds: [...taskIds], receiptIds: [...receiptIds], runIds: runs.map((r) => r.id), counts };
}

/**
 * What erasing the customer would remove (the console's confirmation), without changing anything.
 * @throws DomainError not_found (no such customer, or already erased), tenant_not_found,
 *   invalid_input (no identifier, malformed phone), identifier_conflict
 */
export async function previewErasure(target: ErasureTarget): Promise<ErasurePreview> {
  const id = await targetId(target);
  return db().$transaction(async (tx) => {
    const s = await lockSubject(tx, id);
    return { customerRecordId: s.id, tenant: { id: s.tenantId, slug: s.tenantSlug }, counts: (await plan(tx, s)).counts };
  });
}

/**
 * Erases the customer (see the module comment) and audits it as `customer.erase` by `actor`,
 * then sends `pass.changed` for each voided pass version. A failed send is logged, not thrown:
 * the erasure is committed, and the web service already treats the passes as unknown.
 * @throws DomainError as previewErasure
 */
export async function eraseCustomer(target: ErasureTarget & { actor: string }): Promise<ErasureResult> {
  const correlationId = randomUUID();
  const erasedAt = new Date();
  const id = await targetId(target);
  const { result, versions } = await db().$transaction(async (tx) => {
    const s = await lockSubject(tx, id);
    const p = await plan(tx, s);
    const versions = await tx.$queryRaw<{ passId: string; versionTag: string; googleObject: boolean }[]>`
      UPDATE "Pass" SET voided = true, data = '{}', metadata = '{}', "erasedAt" = ${erasedAt},
             "versionTag" = nextval(pg_get_serial_sequence('"Pass"', 'versionTag')), "updatedAt" = (now() AT TIME ZONE 'UTC')
       WHERE id = ANY(${p.passIds}::text[])
      RETURNING id AS "passId", "versionTag"::text AS "versionTag", EXISTS (SELECT 1 FROM "GoogleWalletObject" g WHERE g."passId" = "Pass".id) AS "googleObject"`;
    const inPasses = { passId: { in: p.passIds } };
    await tx.passChange.deleteMany({ where: inPasses });
    await tx.passEvent.deleteMany({ where: inPasses });
    await tx.pushDelivery.deleteMany({ where: inPasses });
    await tx.passKitLog.deleteMany({ where: inPasses });
    await tx.customerIdentifier.deleteMany({ where: { customerRecordId: s.id } });
    await tx.customer.update({
      where: { id: s.id },
      data: { email: null, phone: null, customerId: null, klaviyoProfileId: null, properties: {}, consent: {}, erasedAt },
    });
    await tx.$executeRaw`
      UPDATE "SyncTask" SET input = '{}', output = NULL, "lastError" = NULL, "dedupeKey" = NULL, "erasedAt" = ${erasedAt}, "updatedAt" = now(),
             status = CASE WHEN status IN ('QUEUED', 'RUNNING') THEN 'FAILED'::"SyncTaskStatus" ELSE status END,
             "errorCode" = CASE WHEN status IN ('QUEUED', 'RUNNING') THEN 'customer_erased' ELSE "errorCode" END,
             "finishedAt" = CASE WHEN status IN ('QUEUED', 'RUNNING') THEN now() ELSE "finishedAt" END
       WHERE id = ANY(${p.taskIds}::text[])`;
    await tx.webhookReceipt.updateMany({ where: { id: { in: p.receiptIds } }, data: { headers: {}, rawBody: "", idempotencyKey: null, erasedAt } });
    await tx.$executeRaw`UPDATE "ExecutorRun" SET steps = '{}', output = NULL, error = NULL, "updatedAt" = now() WHERE id = ANY(${p.runIds}::text[])`;
    await audit(
      {
        actor: target.actor,
        action: "customer.erase",
        targetType: "Customer",
        targetId: s.id,
        tenantId: s.tenantId,
        details: { correlationId, counts: { ...p.counts } },
      },
      tx,
    );
    return { result: { customerRecordId: s.id, tenant: { id: s.tenantId, slug: s.tenantSlug }, counts: p.counts }, versions };
  });
  let pushed = 0;
  if (versions.length) {
    try {
      await inngest.send(passVersionEvents(versions, { tenantId: result.tenant.id, taskId: null, correlationId }));
      pushed = versions.length;
    } catch (err) {
      logger.warn({ customerRecordId: result.customerRecordId, err: (err as Error).message }, "customer erased, but the voided passes' push could not be sent");
    }
  }
  logger.info({ customerRecordId: result.customerRecordId, tenantId: result.tenant.id, counts: result.counts, correlationId }, "customer erased");
  return { ...result, erasedAt, correlationId, pushed };
}

/** How long the devices holding an erased customer's pass can fetch its voided version (24 h). */
export const ERASED_PASS_GRACE_MS = 24 * 3_600_000;

/**
 * Drops the device registrations of passes erased more than ERASED_PASS_GRACE_MS before `now`:
 * from then on the web service answers for them as for unknown passes. Run by the hourly
 * data-retention function. Resolves with how many registrations went.
 */
export async function dropErasedPassRegistrations(now = new Date()): Promise<number> {
  return db().$executeRaw`
    DELETE FROM "Registration" r USING "Pass" p
     WHERE r."passId" = p.id AND p."erasedAt" < ${new Date(now.getTime() - ERASED_PASS_GRACE_MS)}`;
}
