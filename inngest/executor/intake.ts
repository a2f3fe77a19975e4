/**
 * The embedded executor's event API: what Inngest's `POST /e/<event key>` does, for the executor
 * running in this process. The route `app/api/executor/e/[key]` serves it over HTTP (the CLI and
 * other processes send there); inside the app process the Inngest client hands its sends to
 * `inProcessFetch` instead, which answers the same way without an HTTP round trip. Every app
 * process answers, whether or not it holds the executor lock: it stores the runs, and the holder
 * is notified of them (./executor.ts).
 */
import { safeEqual } from "@/server/platform/crypto";
import { runningExecutor } from "./registry";

export interface IntakeAnswer {
  status: number;
  body: { ids?: string[]; status: number; error?: string };
}

/** Stores the events' runs (durable before it answers 200 `{ ids }`). */
export async function acceptEventRequest(key: string, body: unknown): Promise<IntakeAnswer> {
  const executor = runningExecutor();
  if (!executor) return { status: 503, body: { status: 503, error: "no embedded executor runs in this process" } };
  if (!safeEqual(key, executor.eventKey)) return { status: 401, body: { status: 401, error: "Event key not found" } };
  try {
    const ids = await executor.acceptEvents(Array.isArray(body) ? body : [body]);
    return { status: 200, body: { ids, status: 200 } };
  } catch (err) {
    const message = (err as Error).message;
    const status = message === "an event needs a name" ? 400 : 503;
    return { status, body: { status, error: message } };
  }
}

/**
 * A fetch for the Inngest client: event sends to `eventBaseUrl` go straight to the executor when
 * it runs in this process; anything else (or no executor here) goes over the network.
 */
export function inProcessFetch(eventBaseUrl: string): typeof fetch {
  const prefix = `${eventBaseUrl}e/`;
  return async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith(prefix) || !runningExecutor() || typeof init?.body !== "string") return fetch(input, init);
    const answer = await acceptEventRequest(decodeURIComponent(url.slice(prefix.length)), JSON.parse(init.body));
    return Response.json(answer.body, { status: answer.status });
  };
}
