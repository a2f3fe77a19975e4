/**
 * Pass type revisions and publishing. Every saved change of a pass type's definition is a new
 * PassTypeRevision (number, definition, who, when, what changed, message), unpublished; the
 * PassType row keeps the published definition in its columns, which is what builds passes
 * (server/wallet/pkpass.ts), so nothing that builds passes reads revisions.
 *
 * Publishing a revision (`publishPassTypeRevision`), in one transaction: its definition is copied
 * to the PassType (the build cache and prepared models are keyed by the row's updatedAt, so the
 * next download builds anew), a PassTypePublish record is created and an AuditLog row
 * `passtype.publish` written; then the pass-type-publish function gives every live pass of the
 * type its next version in batches and pushes it (./publish.ts: progress, resumption, the
 * lock-screen message).
 *
 * Pass types from before revisions got revision 1 (published) in the migration; a row without
 * one (made by code that writes PassType directly) gets it on first read (`ensureFirstRevision`).
 */
import { randomUUID } from "node:crypto";
import { Prisma, type PassType } from "@prisma/client";
import { db } from "../db/client";
import { inngest } from "@/inngest/client";
import { passTypePublishRequestedEvent } from "@/inngest/events";
import { DomainError, type DomainFieldError } from "@/server/platform/errors";
import { logger } from "@/server/platform/log";
import { audit } from "@/server/staff/audit";
import { DEV_TEAM_IDENTIFIER, getTenant } from "@/server/tenants/tenants";
import { changedParts, definitionColumns, definitionOf, stableJson, validateDefinition, type PassTypeDefinition } from "@/server/pass-types/definition";
import { prismaSql } from "../db/sql";
import { createPublish, getPublish, latestPublish, type PublishProgress } from "./publish";

type Tx = Prisma.TransactionClient;

/** One revision as listed (`passtype show`). */
export interface RevisionSummary {
  number: number;
  actor: string;
  message: string | null;
  changes: string[];
  createdAt: string;
  publishedAt: string | null;
  published: boolean;
}

/** A pass type in `passtype list`. */
export interface PassTypeSummary {
  key: string;
  name: string;
  style: string;
  passTypeIdentifier: string;
  publishedRevision: number | null;
  latestRevision: number | null;
  livePasses: number;
  updatedAt: string;
}

/** A pass type's full definition and history (`passtype show --json`). */
export interface PassTypeView extends PassTypeSummary {
  tenant: string;
  teamIdentifier: string;
  /** The definition of `revision` (default: the published one). */
  revision: number;
  definition: PassTypeDefinition;
  revisions: RevisionSummary[];
}

function summary(r: { number: number; actor: string; message: string | null; changes: Prisma.JsonValue; createdAt: Date; publishedAt: Date | null }, published: number | null): RevisionSummary {
  return {
    number: r.number,
    actor: r.actor,
    message: r.message,
    changes: (r.changes ?? []) as string[],
    createdAt: r.createdAt.toISOString(),
    publishedAt: r.publishedAt?.toISOString() ?? null,
    published: r.number === published,
  };
}

/**
 * Gives a pass type without revisions its revision 1 (its columns, published), without touching
 * the row's updatedAt (which keys the build cache). Resolves with the published revision number.
 */
export async function ensureFirstRevision(tx: Tx, passType: PassType): Promise<number> {
  if (passType.publishedRevision !== null) return passType.publishedRevision;
  const existing = await tx.passTypeRevision.findFirst({ where: { passTypeId: passType.id }, orderBy: { number: "desc" } });
  if (existing) return existing.number;
  await tx.passTypeRevision.create({
    data: {
      passTypeId: passType.id,
      number: 1,
      definition: definitionOf(passType) as unknown as Prisma.InputJsonObject,
      changes: ["definition"],
      actor: "system",
      message: "the definition before revisions",
      createdAt: passType.updatedAt,
      publishedAt: passType.updatedAt,
    },
  });
  await tx.$executeRaw`UPDATE "PassType" SET "publishedRevision" = 1 WHERE id = ${passType.id}`;
  passType.publishedRevision = 1;
  return 1;
}

async function findPassType(tx: Tx, tenantId: string, key: string, tenantSlug: string, lock = false): Promise<PassType> {
  if (lock) await tx.$queryRaw`SELECT id FROM "PassType" WHERE "tenantId" = ${tenantId} AND key = ${key} FOR UPDATE`;
  const passType = await tx.passType.findUnique({ where: { tenantId_key: { tenantId, key } } });
  if (!passType) throw new DomainError("pass_type_not_found", `tenant ${tenantSlug} has no pass type ${JSON.stringify(key)}`, "key");
  return passType;
}

/** The tenant's pass types with their published and latest revision numbers and live pass counts. @throws DomainError tenant_not_found */
export async function listPassTypes(tenantRef: string): Promise<PassTypeSummary[]> {
  const tenant = await getTenant(tenantRef);
  const rows = await db().passType.findMany({
    where: { tenantId: tenant.id },
    orderBy: { key: "asc" },
    include: { _count: { select: { passes: { where: { voided: false, erasedAt: null } } } }, revisions: { select: { number: true }, orderBy: { number: "desc" }, take: 1 } },
  });
  return rows.map((r) => ({
    key: r.key,
    name: r.name,
    style: r.style,
    passTypeIdentifier: r.passTypeIdentifier,
    publishedRevision: r.publishedRevision,
    latestRevision: r.revisions[0]?.number ?? r.publishedRevision,
    livePasses: r._count.passes,
    updatedAt: r.updatedAt.toISOString(),
  }));
}

/**
 * A pass type's definition (the published one, or `revision`'s: its preview) and its revisions.
 * @throws DomainError tenant_not_found, pass_type_not_found, not_found (no such revision)
 */
export async function showPassType(tenantRef: string, key: string, opts: { revision?: number } = {}): Promise<PassTypeView> {
  const tenant = await getTenant(tenantRef);
  return db().$transaction(async (tx) => {
    const passType = await findPassType(tx, tenant.id, key, tenant.slug);
    const published = await ensureFirstRevision(tx, passType);
    const revisions = await tx.passTypeRevision.findMany({ where: { passTypeId: passType.id }, orderBy: { number: "asc" } });
    const number = opts.revision ?? published;
    const chosen = revisions.find((r) => r.number === number);
    if (!chosen) throw new DomainError("not_found", `pass type ${key} has no revision ${number}`, "revision");
    return {
      key: passType.key,
      name: passType.name,
      style: passType.style,
      passTypeIdentifier: passType.passTypeIdentifier,
      teamIdentifier: passType.teamIdentifier,
      tenant: tenant.slug,
      publishedRevision: published,
      latestRevision: revisions.at(-1)!.number,
      livePasses: await tx.pass.count({ where: { passTypeId: passType.id, voided: false, erasedAt: null } }),
      updatedAt: passType.updatedAt.toISOString(),
      revision: number,
      // the published revision is what the columns hold; others are read as saved
      definition: number === published ? definitionOf(passType) : (chosen.definition as unknown as PassTypeDefinition),
      revisions: revisions.map((r) => summary(r, published)),
    };
  });
}

/**
 * The progress of a pass type's latest publication, or undefined when it never had one.
 * @throws DomainError tenant_not_found, pass_type_not_found
 */
export async function latestPublishOf(tenantRef: string, key: string): Promise<PublishProgress | undefined> {
  const tenant = await getTenant(tenantRef);
  const passType = await db().passType.findUnique({ where: { tenantId_key: { tenantId: tenant.id, key } }, select: { id: true } });
  if (!passType) throw new DomainError("pass_type_not_found", `tenant ${tenant.slug} has no pass type ${JSON.stringify(key)}`, "key");
  return latestPublish(passType.id);
}

export interface SaveRevisionInput {
  tenant: string;
  key: string;
  /** Any JSON: validated here. */
  definition: unknown;
  actor: string;
  message?: string;
  /** The pass type's name when it is created (default: the key); renames an existing one. */
  name?: string;
}

export interface SaveRevisionResult {
  key: string;
  revision: number;
  /** False when the definition equals the latest revision's (nothing was written). */
  created: boolean;
  /** True when the pass type was created by this save (its revision 1 is published: it has no passes yet). */
  passTypeCreated: boolean;
  published: boolean;
  changes: string[];
  warnings: DomainFieldError[];
}

const KEY = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/**
 * Saves a definition as the pass type's next revision, unpublished (publish it with
 * `publishPassTypeRevision`). A new key creates the pass type with that definition as revision 1,
 * published at once (no pass has the type yet), with the tenant's pass type identifier. A
 * definition equal to the latest revision writes nothing. Nothing is written unless the
 * definition is valid.
 * @throws DomainError tenant_not_found, invalid_input (the key, or every failing path of the definition)
 */
export async function savePassTypeRevision(input: SaveRevisionInput): Promise<SaveRevisionResult> {
  const tenant = await getTenant(input.tenant);
  if (!KEY.test(input.key)) throw new DomainError("invalid_input", "a pass type key is 1-40 lower-case letters, digits, _ and -, starting with a letter or digit", "key");
  const { definition, warnings } = validateDefinition(input.definition, { customIdentifierKeys: tenant.customIdentifierKeys });
  const columns = definitionColumns(definition);
  const json = definition as unknown as Prisma.InputJsonObject;
  return db().$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Tenant" WHERE id = ${tenant.id} FOR UPDATE`; // one creation of a key at a time
    const existing = await tx.passType.findUnique({ where: { tenantId_key: { tenantId: tenant.id, key: input.key } } });
    if (!existing) {
      const sibling = await tx.passType.findFirst({ where: { tenantId: tenant.id }, orderBy: { createdAt: "asc" } });
      const created = await tx.passType.create({
        data: {
          tenantId: tenant.id,
          key: input.key,
          name: input.name ?? input.key,
          style: columns.style,
          passTypeIdentifier: sibling?.passTypeIdentifier ?? `pass.dev.passflow.${tenant.slug}`,
          teamIdentifier: sibling?.teamIdentifier ?? DEV_TEAM_IDENTIFIER,
          template: columns.template as Prisma.InputJsonObject,
          images: columns.images,
          fields: columns.fields as unknown as Prisma.InputJsonArray,
          publishedRevision: 1,
          revisions: { create: { number: 1, definition: json, changes: changedParts(null, definition), actor: input.actor, message: input.message ?? null, publishedAt: new Date() } },
        },
      });
      await audit({ actor: input.actor, action: "passtype.create", targetType: "PassType", targetId: created.id, tenantId: tenant.id, details: { key: input.key, revision: 1 } }, tx);
      return { key: input.key, revision: 1, created: true, passTypeCreated: true, published: true, changes: changedParts(null, definition), warnings };
    }
    const passType = await findPassType(tx, tenant.id, input.key, tenant.slug, true);
    await ensureFirstRevision(tx, passType);
    const latest = (await tx.passTypeRevision.findFirst({ where: { passTypeId: passType.id }, orderBy: { number: "desc" } }))!;
    if (input.name && input.name !== passType.name) await tx.$executeRaw`UPDATE "PassType" SET name = ${input.name} WHERE id = ${passType.id}`;
    const before = latest.definition as unknown as PassTypeDefinition;
    if (stableJson(before) === stableJson(definition)) {
      return { key: input.key, revision: latest.number, created: false, passTypeCreated: false, published: latest.number === passType.publishedRevision, changes: [], warnings };
    }
    const changes = changedParts(before, definition);
    const revision = await tx.passTypeRevision.create({
      data: { passTypeId: passType.id, number: latest.number + 1, definition: json, changes, actor: input.actor, message: input.message ?? null },
    });
    await audit({ actor: input.actor, action: "passtype.save", targetType: "PassType", targetId: passType.id, tenantId: tenant.id, details: { key: input.key, revision: revision.number, changes } }, tx);
    return { key: input.key, revision: revision.number, created: true, passTypeCreated: false, published: false, changes, warnings };
  });
}

export interface PublishInput {
  tenant: string;
  key: string;
  /** Default: the latest revision. */
  revision?: number;
  message?: string;
  /** A lock-screen message for every holder (the passes' notice; muted per pass beyond the notification budget). */
  notify?: string;
  actor: string;
  /** Passes per batch (default DEFAULT_PUBLISH_BATCH). */
  batchSize?: number;
  /** Send the publication's event (default true; tests drive the function themselves). */
  dispatch?: boolean;
}

export interface PublishResult {
  key: string;
  revision: number;
  /** The revision published before. */
  previousRevision: number;
  /** False when the revision was already the published one (nothing written or pushed). */
  changed: boolean;
  /** Live passes the publication gives a new version. */
  passes: number;
  /** The publication's progress record (null when nothing changed). */
  publish: PublishProgress | null;
  correlationId: string;
}

/**
 * Publishes a revision (module comment): in one transaction its definition is copied to the
 * PassType (it builds the type's passes from then on), the PassTypePublish record is created and
 * an AuditLog row written; then `passflow/pass-type.publish.requested` is sent and the
 * pass-type-publish function gives every live pass its new version and pushes it
 * (server/passes/publish.ts). Publishing the published revision changes nothing, unless `notify`
 * is given (the same revision again, with a lock-screen message).
 * @throws DomainError tenant_not_found, pass_type_not_found, not_found (no such revision), invalid_input (notify)
 */
export async function publishPassTypeRevision(input: PublishInput): Promise<PublishResult> {
  const tenant = await getTenant(input.tenant);
  if (input.notify !== undefined && (input.notify.trim() === "" || input.notify.length > 500)) throw new DomainError("invalid_input", "notify is 1-500 characters", "notify");
  const correlationId = randomUUID();
  const outcome = await db().$transaction(async (tx) => {
    const passType = await findPassType(tx, tenant.id, input.key, tenant.slug, true);
    const previous = await ensureFirstRevision(tx, passType);
    const revision = input.revision
      ? await tx.passTypeRevision.findUnique({ where: { passTypeId_number: { passTypeId: passType.id, number: input.revision } } })
      : await tx.passTypeRevision.findFirst({ where: { passTypeId: passType.id }, orderBy: { number: "desc" } });
    if (!revision) throw new DomainError("not_found", `pass type ${input.key} has no revision ${input.revision}`, "revision");
    if (revision.number === previous && !input.notify) return { revision: revision.number, previous, publish: null };
    const columns = definitionColumns(revision.definition as unknown as PassTypeDefinition);
    await tx.passType.update({
      where: { id: passType.id },
      data: {
        style: columns.style,
        template: columns.template as Prisma.InputJsonObject,
        images: columns.images,
        fields: columns.fields as unknown as Prisma.InputJsonArray,
        publishedRevision: revision.number,
      },
    });
    await tx.passTypeRevision.update({ where: { id: revision.id }, data: { publishedAt: new Date() } });
    const publish = await createPublish(prismaSql(tx), {
      tenantId: tenant.id,
      passTypeId: passType.id,
      revision: revision.number,
      previousRevision: previous,
      actor: input.actor,
      message: input.message,
      notify: input.notify?.trim(),
      correlationId,
      batchSize: input.batchSize,
    });
    await audit(
      {
        actor: input.actor,
        action: "passtype.publish",
        targetType: "PassType",
        targetId: passType.id,
        tenantId: tenant.id,
        details: {
          key: input.key,
          revision: revision.number,
          previousRevision: previous,
          passes: publish.total,
          publishId: publish.id,
          correlationId,
          ...(input.message ? { message: input.message } : {}),
          ...(input.notify ? { notify: input.notify } : {}),
        },
      },
      tx,
    );
    return { revision: revision.number, previous, publish };
  });
  if (!outcome.publish) return { key: input.key, revision: outcome.revision, previousRevision: outcome.previous, changed: false, passes: 0, publish: null, correlationId };
  const { id: publishId } = outcome.publish;
  if (input.dispatch !== false) {
    try {
      await inngest.send(passTypePublishRequestedEvent({ publishId, tenantId: tenant.id, correlationId }));
    } catch (err) {
      // committed: tasks-redispatch sends it again within a minute
      logger.warn({ correlationId, publishId, err: (err as Error).message }, "pass type published, but its publication event could not be sent yet");
    }
  }
  logger.info({ tenantId: tenant.id, key: input.key, revision: outcome.revision, passes: outcome.publish.total, publishId, correlationId }, "pass type revision published");
  return { key: input.key, revision: outcome.revision, previousRevision: outcome.previous, changed: true, passes: outcome.publish.total, publish: (await getPublish(publishId))!, correlationId };
}
