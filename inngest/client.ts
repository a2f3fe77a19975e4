/**
 * The Inngest client. Where events go is configuration, not code: Inngest Cloud
 * (INNGEST_EVENT_KEY), a self-hosted Inngest server (INNGEST_BASE_URL) or, in the embedded
 * default, the in-process executor (see inngest/connection.ts).
 *
 * Logging: the SDK's own messages go through the app's pino logger (`component: "inngest"`).
 * Functions log with server/log.ts inside withCorrelation (every line carries the correlation
 * id) and record their failures on the task, so the SDK's per-step error lines (`ctx.logger`,
 * one stack trace per expected failure such as pass_not_found) are kept to fatal.
 */
import { Inngest } from "inngest";
import { logger } from "@/server/platform/log";
import { embeddedInngest } from "./connection";
import { inProcessFetch } from "./executor/intake";

const embedded = embeddedInngest();

export const inngest = new Inngest({
  id: "passflow",
  logger: logger.child({ component: "inngest" }, { level: "fatal" }),
  internalLogger: logger.child({ component: "inngest" }),
  ...(embedded && {
    isDev: false,
    baseUrl: embedded.eventBaseUrl,
    eventKey: embedded.eventKey,
    signingKey: embedded.signingKey,
    // inside the app process, sends reach the executor without an HTTP round trip
    fetch: inProcessFetch(embedded.eventBaseUrl),
  }),
});
