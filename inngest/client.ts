/**
 * The Inngest client. Where events go is configuration, not code: Inngest Cloud
 * (INNGEST_EVENT_KEY), a self-hosted Inngest server (INNGEST_BASE_URL) or, in the embedded
 * default, the in-process executor (which sets INNGEST_BASE_URL / INNGEST_DEV for this process).
 */
import { Inngest } from "inngest";

export const inngest = new Inngest({ id: "passflow" });
