/**
 * The Inngest client. Where events go is configuration, not code: Inngest Cloud
 * (INNGEST_EVENT_KEY), a self-hosted Inngest server (INNGEST_BASE_URL) or, in the embedded
 * default, the in-process executor (see inngest/connection.ts). SDK and function logs go through
 * the app's pino logger, so they carry the correlation id too.
 */
import { Inngest } from "inngest";
import { logger } from "@/server/log";
import { embeddedInngest } from "./connection";

const embedded = embeddedInngest();

export const inngest = new Inngest({
  id: "passflow",
  logger,
  ...(embedded && { isDev: false, baseUrl: embedded.eventBaseUrl, eventKey: embedded.eventKey, signingKey: embedded.signingKey }),
});
