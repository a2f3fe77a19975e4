/** The console's tRPC router: one sub-router per area. */
import { createCallerFactory, router } from "./init";
import { auditRouter } from "./routers/audit";
import { customersRouter } from "./routers/customers";
import { enrolmentRouter } from "./routers/enrolment";
import { meRouter } from "./routers/me";
import { overviewRouter } from "./routers/overview";
import { passesRouter } from "./routers/passes";
import { passTypesRouter } from "./routers/pass-types";
import { receiptsRouter } from "./routers/receipts";
import { staffRouter } from "./routers/staff";
import { tasksRouter } from "./routers/tasks";
import { tenantsRouter } from "./routers/tenants";

export const appRouter = router({
  me: meRouter,
  overview: overviewRouter,
  tenants: tenantsRouter,
  staff: staffRouter,
  passes: passesRouter,
  passTypes: passTypesRouter,
  customers: customersRouter,
  enrolment: enrolmentRouter,
  receipts: receiptsRouter,
  tasks: tasksRouter,
  audit: auditRouter,
});

export type AppRouter = typeof appRouter;

/** Calls procedures directly (server components, tests): `createCaller(createInnerContext({ staff }))`. */
export const createCaller = createCallerFactory(appRouter);
