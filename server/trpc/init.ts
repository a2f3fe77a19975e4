/**
 * The one tRPC setup of the console: context → initTRPC (superjson) → builders.
 *
 * - `createInnerContext` takes the staff member (or null) and nothing from the request, so tests
 *   call routers through `createCallerFactory` on the real database; `context.ts` builds it from
 *   the next-auth session for HTTP.
 * - Every procedure goes through `errorMapping` (domain errors → TRPCError with the code of their HTTP status in the one error table)
 *   and a role check: `viewerProcedure`, `operatorProcedure`, `adminProcedure`.
 */
import { initTRPC, TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import type { StaffRole } from "@prisma/client";
import superjson from "superjson";
import { z, ZodError } from "zod";
import { DomainError, type DomainErrorCode } from "@/server/platform/errors";
import { DOMAIN_ERROR_STATUS } from "@/server/platform/http/errors";
import { roleAtLeast } from "../auth/roles";
import type { StaffIdentity } from "@/server/staff/staff";

export interface Context {
  /** The signed-in, enabled staff member; null for anonymous requests. */
  staff: StaffIdentity | null;
}

/** A context without a request: what HTTP handlers and tests both build on. */
export function createInnerContext(opts: { staff: StaffIdentity | null }): Context {
  return { staff: opts.staff };
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    // Unexpected failures are logged by the HTTP handler; the browser only learns that one happened.
    const hidden = error.code === "INTERNAL_SERVER_ERROR" && process.env.NODE_ENV === "production";
    return {
      ...shape,
      message: hidden ? "Internal server error" : shape.message,
      data: {
        ...shape.data,
        zodError: cause instanceof ZodError ? z.flattenError(cause) : null,
        domainCode: cause instanceof DomainError ? cause.code : null,
        field: cause instanceof DomainError ? (cause.field ?? null) : null,
        errors: cause instanceof DomainError ? (cause.errors ?? null) : null,
      },
    };
  },
});

/** tRPC's code for each HTTP status of the one error table (server/platform/http/errors.ts). */
const TRPC_BY_STATUS: Record<(typeof DOMAIN_ERROR_STATUS)[DomainErrorCode], TRPC_ERROR_CODE_KEY> = {
  400: "BAD_REQUEST",
  404: "NOT_FOUND",
  409: "CONFLICT",
  422: "UNPROCESSABLE_CONTENT",
};

/** The tRPC code of a domain error: the one of its HTTP status. */
export function trpcCodeOf(err: DomainError): TRPC_ERROR_CODE_KEY {
  return TRPC_BY_STATUS[DOMAIN_ERROR_STATUS[err.code]];
}

/** Turns a DomainError thrown by `server/` code into the matching TRPCError (message kept). */
const errorMapping = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: trpcCodeOf(cause), message: cause.message, cause });
  }
  return result;
});

function requireRole(min: StaffRole) {
  return t.middleware(({ ctx, next }) => {
    if (!ctx.staff) throw new TRPCError({ code: "UNAUTHORIZED", message: "sign in to the console first" });
    if (!roleAtLeast(ctx.staff.role, min)) {
      throw new TRPCError({ code: "FORBIDDEN", message: `this needs the ${min} role; you are ${ctx.staff.role}` });
    }
    return next({ ctx: { staff: ctx.staff } });
  });
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** No sign-in needed. */
export const publicProcedure = t.procedure.use(errorMapping);
/** Any signed-in staff member: reads. */
export const viewerProcedure = publicProcedure.use(requireRole("VIEWER"));
/** OPERATOR or ADMIN: replays, API keys, tenant integration settings. */
export const operatorProcedure = publicProcedure.use(requireRole("OPERATOR"));
/** ADMIN only: staff and tenants. */
export const adminProcedure = publicProcedure.use(requireRole("ADMIN"));
