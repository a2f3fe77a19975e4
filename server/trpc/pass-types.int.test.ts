/**
 * The pass type editor's procedures through createCaller on the real database: checking names
 * every failing path without writing, a new key creates the type (revision 1 published), a save
 * is the next unpublished revision (audited), publishing it moves the type on, and a refused save
 * reaches the client with every path in `data.errors`.
 */
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "./root";
import { createInnerContext } from "./init";
import { db } from "@/server/db/client";
import { solidPng } from "@/server/tooling/testing/pass-design";
import { createConsoleFixtures, type ConsoleFixtures } from "@/server/tooling/testing/console-fixtures";
import type { PassTypeDefinition } from "@/server/pass-types/definition";

let fx: ConsoleFixtures;
const png = (w: number, h: number) => solidPng(w, h).toString("base64");

beforeAll(async () => {
  fx = await createConsoleFixtures();
});

describe("passTypes procedures", () => {
  it("checks a definition by path without writing", async () => {
    const operator = createCaller(createInnerContext({ staff: fx.staff.OPERATOR }));
    const blank = await operator.passTypes.blank({ tenant: fx.tenant.slug });
    const check = await operator.passTypes.validate({
      tenant: fx.tenant.slug,
      definition: { ...blank, images: { "icon.png": png(30, 30) }, fields: [{ key: "points", label: "Points", type: "number", slot: "primaryFields", default: "lots" }] },
    });
    expect(check.valid).toBe(false);
    expect(check.errors.map((e) => e.field).sort()).toEqual(["fields[0].default", "images.icon.png"]);
    expect(check.errors.find((e) => e.field === "images.icon.png")!.message).toContain("29×29 px");
    expect(await operator.passTypes.validate({ tenant: fx.tenant.slug, definition: { ...blank, images: { "icon.png": png(29, 29) } } })).toEqual({ valid: true, errors: [], warnings: [] });
  });

  it("creates a type, saves a revision, publishes it; the list and the revisions say so", async () => {
    const operator = createCaller(createInnerContext({ staff: fx.staff.OPERATOR }));
    const blank = (await operator.passTypes.blank({ tenant: fx.tenant.slug })) as PassTypeDefinition;
    const first: PassTypeDefinition = { ...blank, images: { "icon.png": png(29, 29) } };
    const created = await operator.passTypes.save({ tenant: fx.tenant.slug, key: "gift", name: "Gift card", definition: first });
    expect(created).toMatchObject({ revision: 1, passTypeCreated: true, published: true });

    const second = { ...first, fields: [{ key: "balance", label: "Balance", type: "currency", currencyCode: "EUR", slot: "primaryFields", default: 25 }] };
    expect(await operator.passTypes.save({ tenant: fx.tenant.slug, key: "gift", definition: second, message: "a balance" })).toMatchObject({ revision: 2, published: false, changes: ["fields"] });
    const audit = await db().auditLog.findFirst({ where: { tenantId: fx.tenant.id, action: "passtype.save" }, orderBy: { createdAt: "desc" } });
    expect(audit).toMatchObject({ actor: fx.staff.OPERATOR.email, details: { key: "gift", revision: 2 } });

    const preview = await operator.passTypes.get({ tenant: fx.tenant.slug, key: "gift", revision: 2 });
    expect(preview).toMatchObject({ revision: 2, publishedRevision: 1, latestRevision: 2, name: "Gift card" });
    expect(preview.definition.fields).toHaveLength(1);
    expect((await operator.passTypes.get({ tenant: fx.tenant.slug, key: "gift" })).definition.fields).toEqual([]);

    expect(await operator.passTypes.publish({ tenant: fx.tenant.slug, key: "gift", revision: 2 })).toMatchObject({ revision: 2, previousRevision: 1, changed: true });
    const listed = (await operator.passTypes.list({ tenant: fx.tenant.slug })).find((p) => p.key === "gift");
    expect(listed).toMatchObject({ publishedRevision: 2, latestRevision: 2, livePasses: 0 });
    const revisions = (await operator.passTypes.get({ tenant: fx.tenant.slug, key: "gift" })).revisions;
    expect(revisions.map((r) => [r.number, r.published])).toEqual([[1, false], [2, true]]);
  });

  it("refuses a save naming every failing path in data.errors, and writes nothing", async () => {
    const operator = createCaller(createInnerContext({ staff: fx.staff.OPERATOR }));
    const blank = await operator.passTypes.blank({ tenant: fx.tenant.slug });
    const err = await operator.passTypes
      .save({ tenant: fx.tenant.slug, key: "broken", definition: { ...blank, backgroundColor: "teal", fields: [{ key: "a", label: "A", type: "text", slot: "headerFields" }, { key: "a", label: "A", type: "text", slot: "backFields" }] } })
      .then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect(getHTTPStatusCodeFromError(err as TRPCError)).toBe(400);
    const cause = (err as TRPCError).cause as { errors?: { field: string }[] };
    expect(cause.errors?.map((e) => e.field)).toEqual(["backgroundColor"]); // the schema first; semantic checks run on a parsed definition
    expect(await db().passType.findFirst({ where: { tenantId: fx.tenant.id, key: "broken" } })).toBeNull();
  });
});
