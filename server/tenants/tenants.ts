/**
 * Tenants (merchants). A new tenant starts ready to issue passes: the starter pass types `basic`
 * and `premium`, Klaviyo integration enabled, default phone region US.
 */
import { Prisma, type Tenant } from "@prisma/client";
import { z } from "zod";
import { db } from "../db/client";
import { DomainError } from "../errors";
import { audit } from "../audit";
import { starterPassTypes } from "../passes/pass-types";

/** Development Team ID used for pass types until the tenant imports its Apple certificate. */
export const DEV_TEAM_IDENTIFIER = "PFDEVTEAM1";

export const slugSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, "lower-case letters, digits and inner dashes, 1-40 characters");

/** Finds a tenant by slug or id. @throws DomainError tenant_not_found */
export async function getTenant(ref: string): Promise<Tenant> {
  const tenant = await db().tenant.findFirst({ where: { OR: [{ slug: ref }, { id: ref }] } });
  if (!tenant) throw new DomainError("tenant_not_found", `no tenant ${JSON.stringify(ref)}`);
  return tenant;
}

export interface CreateTenantInput {
  slug: string;
  name: string;
  customIdentifierKeys?: string[];
  actor: string;
}

/**
 * Creates a tenant with its starter pass types (passTypeIdentifier `pass.dev.passflow.<slug>`).
 * @throws DomainError invalid_input (bad slug), conflict (slug taken)
 */
export async function createTenant(input: CreateTenantInput): Promise<Tenant> {
  const slug = slugSchema.safeParse(input.slug);
  if (!slug.success) throw new DomainError("invalid_input", `slug ${slug.error.issues[0]!.message}`, "slug");
  const name = input.name.trim();
  if (!name) throw new DomainError("invalid_input", "name must not be empty", "name");
  try {
    return await db().$transaction(async (tx) => {
      const tenant = await tx.tenant.create({
        data: { slug: slug.data, name, customIdentifierKeys: input.customIdentifierKeys ?? [] },
      });
      for (const def of starterPassTypes(name)) {
        await tx.passType.create({
          data: {
            tenantId: tenant.id,
            key: def.key,
            name: def.name,
            style: def.style,
            passTypeIdentifier: `pass.dev.passflow.${slug.data}`,
            teamIdentifier: DEV_TEAM_IDENTIFIER,
            template: def.template as unknown as Prisma.InputJsonObject,
            images: def.images,
            fields: def.fields as unknown as Prisma.InputJsonArray,
          },
        });
      }
      await audit({ actor: input.actor, action: "tenant.create", targetType: "Tenant", targetId: tenant.id, tenantId: tenant.id }, tx);
      return tenant;
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      throw new DomainError("conflict", `tenant ${slug.data} already exists`, "slug");
    }
    throw err;
  }
}

/** All tenants, newest first, with counts for listings. */
export async function listTenants() {
  return db().tenant.findMany({
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      slug: true,
      name: true,
      status: true,
      klaviyoEnabled: true,
      defaultPhoneRegion: true,
      customIdentifierKeys: true,
      createdAt: true,
      _count: { select: { passes: true, customers: true } },
    },
  });
}
