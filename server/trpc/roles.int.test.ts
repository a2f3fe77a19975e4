/**
 * The role matrix: every procedure of the console router, called as anonymous, VIEWER, OPERATOR
 * and ADMIN through createCaller on the real database. A role below the procedure's minimum is
 * refused (UNAUTHORIZED for anonymous, FORBIDDEN otherwise); a role at or above it succeeds.
 * A procedure missing from EXPECTED fails the test, so new procedures must state their role.
 */
import { TRPCError } from "@trpc/server";
import type { StaffRole } from "@prisma/client";
import { beforeAll, describe, expect, it } from "vitest";
import { appRouter, createCaller } from "./root";
import { createInnerContext } from "./init";
import { createConsoleFixtures, type ConsoleFixtures } from "@/server/tooling/testing/console-fixtures";
import { roleAtLeast } from "../auth/roles";
import { uniqueSlug } from "@/server/tooling/testing/cli";
import { db } from "@/server/db/client";
import { issuePass } from "@/server/passes/passes";
import { definitionOf } from "@/server/pass-types/definition";
import { starterPassTypes } from "@/server/pass-types/pass-types";
import { startPassImport } from "@/server/passes/imports";
import { pieces } from "@/server/tooling/testing/import-files";

const starterDefinition = () => definitionOf(starterPassTypes("Matrix")[0]!);

type Input = (fx: ConsoleFixtures) => unknown;
const none: Input = () => undefined;
/** A customer of the fixtures' tenant that only the ADMIN call erases (created in beforeAll). */
let erasableCustomerId = "";
/** An import of the fixtures' tenant (stored in beforeAll, never run). */
let importId = "";

/** Minimum role and a valid input for every procedure. */
const EXPECTED: Record<string, { min: StaffRole; input: Input }> = {
  "me.get": { min: "VIEWER", input: none },
  "overview.stats": { min: "VIEWER", input: () => ({ range: "24h" }) },
  "overview.retention": { min: "VIEWER", input: none },
  "tenants.list": { min: "VIEWER", input: () => ({}) },
  "tenants.choices": { min: "VIEWER", input: none },
  "tenants.get": { min: "VIEWER", input: (fx) => ({ tenant: fx.tenant.slug }) },
  "tenants.create": { min: "ADMIN", input: () => ({ slug: uniqueSlug("matrix"), name: "Matrix" }) },
  "tenants.updateIntegration": { min: "OPERATOR", input: (fx) => ({ tenant: fx.tenant.slug, apiKeyRequestsPerMinute: 3000 }) },
  "tenants.testKlaviyoKey": { min: "OPERATOR", input: (fx) => ({ tenant: fx.tenant.slug }) },
  "tenants.testGoogleConnection": { min: "OPERATOR", input: (fx) => ({ tenant: fx.tenant.slug }) },
  "tenants.setStatus": { min: "ADMIN", input: (fx) => ({ tenant: fx.tenant.slug, status: "ACTIVE" }) },
  "tenants.createApiKey": { min: "OPERATOR", input: (fx) => ({ tenant: fx.tenant.slug, name: "matrix" }) },
  "tenants.revokeApiKey": { min: "OPERATOR", input: (fx) => ({ prefix: fx.apiKeyPrefix }) },
  "staff.list": { min: "ADMIN", input: none },
  "staff.create": { min: "ADMIN", input: () => ({ email: `${uniqueSlug("matrix")}@staff.example.com`, role: "VIEWER", password: "a long enough password" }) },
  "staff.update": { min: "ADMIN", input: (fx) => ({ id: fx.staff.VIEWER.id, role: "VIEWER" }) },
  "passes.search": { min: "VIEWER", input: (fx) => ({ tenant: fx.tenant.slug, q: "(415) 555-0123" }) },
  "passTypes.list": { min: "VIEWER", input: (fx) => ({ tenant: fx.tenant.slug }) },
  "passTypes.get": { min: "VIEWER", input: (fx) => ({ tenant: fx.tenant.slug, key: "basic" }) },
  "passTypes.blank": { min: "VIEWER", input: (fx) => ({ tenant: fx.tenant.slug }) },
  "passTypes.validate": { min: "VIEWER", input: (fx) => ({ tenant: fx.tenant.slug, definition: starterDefinition() }) },
  "passTypes.save": { min: "OPERATOR", input: (fx) => ({ tenant: fx.tenant.slug, key: uniqueSlug("matrix"), definition: starterDefinition() }) },
  "passTypes.publish": { min: "OPERATOR", input: (fx) => ({ tenant: fx.tenant.slug, key: "basic" }) },
  "enrolment.imports": { min: "VIEWER", input: (fx) => ({ tenant: fx.tenant.slug }) },
  "enrolment.import": { min: "VIEWER", input: () => ({ id: importId }) },
  "enrolment.funnel": { min: "VIEWER", input: (fx) => ({ tenant: fx.tenant.slug, days: 7 }) },
  "passes.get": { min: "VIEWER", input: (fx) => ({ serialNumber: fx.serialNumber }) },
  "customers.get": { min: "VIEWER", input: (fx) => ({ id: fx.customerId }) },
  "customers.erasurePreview": { min: "ADMIN", input: () => ({ id: erasableCustomerId }) },
  "customers.erase": { min: "ADMIN", input: () => ({ id: erasableCustomerId }) },
  "receipts.list": { min: "VIEWER", input: (fx) => ({ tenant: fx.tenant.slug }) },
  "receipts.get": { min: "VIEWER", input: (fx) => ({ id: fx.receiptId }) },
  "tasks.list": { min: "VIEWER", input: (fx) => ({ tenant: fx.tenant.slug }) },
  "tasks.count": { min: "VIEWER", input: (fx) => ({ tenant: fx.tenant.slug }) },
  "tasks.replayableCount": { min: "VIEWER", input: (fx) => ({ tenant: fx.tenant.slug }) },
  "tasks.errorCodes": { min: "VIEWER", input: none },
  "tasks.replay": { min: "OPERATOR", input: (fx) => ({ taskId: fx.succeededTaskId, force: true }) },
  "tasks.replayMatching": { min: "OPERATOR", input: (fx) => ({ tenant: fx.tenant.slug }) },
  "tasks.get": { min: "VIEWER", input: (fx) => ({ id: fx.failedTaskId }) },
  "audit.list": { min: "VIEWER", input: () => ({}) },
  "audit.actions": { min: "VIEWER", input: none },
};

const ROLES = [null, "VIEWER", "OPERATOR", "ADMIN"] as const;

function procedureAt(caller: unknown, path: string): (input: unknown) => Promise<unknown> {
  return path.split(".").reduce((node: any, key) => node[key], caller); // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe("console role matrix", () => {
  let fx: ConsoleFixtures;
  beforeAll(async () => {
    fx = await createConsoleFixtures();
    const { serialNumber } = await issuePass({ tenant: fx.tenant.slug, passType: "basic", identifiers: { email: `erasable-${fx.tenant.slug}@example.com` } });
    erasableCustomerId = (await db().pass.findUniqueOrThrow({ where: { serialNumber }, select: { customerRecordId: true } })).customerRecordId;
    importId = (await startPassImport({ tenant: fx.tenant.slug, passType: "basic", file: pieces("email\nmatrix@example.com\n"), actor: "test", dispatch: false })).id;
  });

  it("lists a minimum role for every procedure of the router", () => {
    expect(Object.keys(appRouter._def.procedures).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  const cases = Object.entries(EXPECTED).flatMap(([path, spec]) => ROLES.map((role) => ({ path, role, spec })));
  it.each(cases)("$path as $role", async ({ path, role, spec }) => {
    const caller = createCaller(createInnerContext({ staff: role ? fx.staff[role] : null }));
    const call = procedureAt(caller, path)(spec.input(fx));
    if (role && roleAtLeast(role, spec.min)) {
      await expect(call).resolves.not.toThrow();
    } else {
      const err = await call.then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TRPCError);
      expect((err as TRPCError).code).toBe(role ? "FORBIDDEN" : "UNAUTHORIZED");
    }
  });
});
