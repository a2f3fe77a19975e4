/**
 * Where the Inngest client sends events and who may call `/api/inngest`.
 *
 * - A real Inngest server (Inngest Cloud, self-hosted, or the dev server) is selected by setting
 *   any of INNGEST_EVENT_KEY, INNGEST_SIGNING_KEY, INNGEST_BASE_URL or INNGEST_DEV: the SDK then
 *   reads its own environment variables as usual and nothing here applies.
 * - With none of them set (the embedded default), the in-process executor (inngest/executor)
 *   plays the Inngest server for this app: the SDK sends events to
 *   `http://127.0.0.1:$PORT/api/executor/e/<key>` and the serve endpoint accepts only requests
 *   signed with a local signing key, exactly as Inngest Cloud signs them. Both keys are derived
 *   from the encryption key, so the app, the CLI and the executor agree with no configuration.
 *
 * The app code is the same either way: it only ever talks to the `inngest` client.
 */
import { createHmac } from "node:crypto";
import { env as processEnv, type Env } from "@/server/platform/env";
import { devSecrets } from "@/server/platform/data-dir";

export interface EmbeddedInngest {
  /** The app's own origin on the loopback interface. */
  appUrl: string;
  /** The serve endpoint the executor calls. */
  serveUrl: string;
  /** Event API base URL given to the SDK (ends with `/` so `e/<key>` resolves below it). */
  eventBaseUrl: string;
  eventKey: string;
  signingKey: string;
}

function derive(secret: string, purpose: string): string {
  return createHmac("sha256", secret).update(`passflow embedded executor: ${purpose}`).digest("hex");
}

/** The embedded executor's endpoints and keys, or undefined when an Inngest server is configured. */
export function embeddedInngest(env: Env = processEnv): EmbeddedInngest | undefined {
  if (env.INNGEST_EVENT_KEY || env.INNGEST_SIGNING_KEY || env.INNGEST_BASE_URL || env.INNGEST_DEV) return undefined;
  const secret = env.PASSFLOW_ENCRYPTION_KEY ?? devSecrets().encryptionKey;
  const appUrl = `http://127.0.0.1:${env.PORT}`;
  return {
    appUrl,
    serveUrl: `${appUrl}/api/inngest`,
    eventBaseUrl: `${appUrl}/api/executor/`,
    eventKey: derive(secret, "event key"),
    signingKey: `signkey-local-${derive(secret, "signing key")}`,
  };
}
