/** Pass types: list, a definition and its revisions, checking, saving and publishing (the editor). */
import { z } from "zod";
import { blankPassTypeDefinition, checkPassTypeDefinition } from "../../console/pass-types";
import { listPassTypes, publishPassTypeRevision, savePassTypeRevision, showPassType } from "../../passes/revisions";
import { operatorProcedure, router, viewerProcedure } from "../init";

const tenantRef = z.object({ tenant: z.string().min(1) });
const passTypeRef = tenantRef.extend({ key: z.string().min(1) });
/** The definition is any JSON here: validateDefinition names every failing path. */
const definition = z.unknown();

export const passTypesRouter = router({
  /** The tenant's pass types with published and latest revision and live passes. */
  list: viewerProcedure.input(tenantRef).query(({ input }) => listPassTypes(input.tenant)),
  /** The published definition (or `revision`'s) and every revision. */
  get: viewerProcedure.input(passTypeRef.extend({ revision: z.number().int().positive().optional() })).query(({ input }) => showPassType(input.tenant, input.key, { revision: input.revision })),
  /** The definition a new pass type starts from. */
  blank: viewerProcedure.input(tenantRef).query(({ input }) => blankPassTypeDefinition(input.tenant)),
  /**
   * Errors and warnings of a definition by path, as saving would find them; writes nothing. A
   * mutation only so the definition (images included) travels in a POST body, not the URL.
   */
  validate: viewerProcedure.input(tenantRef.extend({ definition })).mutation(({ input }) => checkPassTypeDefinition(input.tenant, input.definition)),
  /** Saves the definition as the next revision (a new key creates the pass type); audited. */
  save: operatorProcedure
    .input(passTypeRef.extend({ definition, name: z.string().trim().min(1).max(200).optional(), message: z.string().trim().max(500).optional() }))
    .mutation(({ input, ctx }) => savePassTypeRevision({ tenant: input.tenant, key: input.key, definition: input.definition, name: input.name, message: input.message || undefined, actor: ctx.staff.email })),
  /** Publishes a revision (default: the latest): live passes get the new version and a push; audited. */
  publish: operatorProcedure
    .input(passTypeRef.extend({ revision: z.number().int().positive().optional(), message: z.string().trim().max(500).optional() }))
    .mutation(({ input, ctx }) => publishPassTypeRevision({ tenant: input.tenant, key: input.key, revision: input.revision, message: input.message || undefined, actor: ctx.staff.email })),
});
