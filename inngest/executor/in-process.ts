/**
 * The executor's in-process transport to the serve endpoint.
 *
 * The embedded executor runs inside the Next.js server process that also serves `/api/inngest`.
 * Sending each call through the HTTP stack of that same process (undici client, Next.js request
 * handling) cost several milliseconds of CPU per call, most of a small task's cost. So the serve
 * route registers its handler here when its module loads, and `serveFetch` hands the executor's
 * signed requests straight to it: the same `Request`, the same signature check, the same
 * `Response` — only the loopback socket and Next.js routing are skipped. Until the route has
 * loaded (the first sync loads it), and for any other URL, requests go over the network.
 *
 * The registry lives on `globalThis`, because the route and the instrumentation hook that starts
 * the executor may be bundled apart.
 *
 * When several processes share the port (`npm start` with PASSFLOW_WORKERS), a request "over the
 * network" may reach another process, so the executor waits a while for its own route to load
 * before its first request (`waitForHandlerMs`): a production server loads every route at start
 * (Next.js `preloadEntriesOnStart`), so the route registers within a second or two.
 */

/** A route handler of the serve endpoint, as Next.js calls it. */
export type ServeHandler = (request: Request) => Promise<Response>;

const KEY = Symbol.for("passflow.inngestServeHandler");
const WAITERS = Symbol.for("passflow.inngestServeHandlerWaiters");
const registry = globalThis as unknown as { [KEY]?: ServeHandler; [WAITERS]?: (() => void)[] };

/** Called by app/api/inngest/route.ts: the handler for the serve endpoint's POST calls (undefined: none). */
export function registerServeHandler(handler: ServeHandler | undefined): void {
  registry[KEY] = handler;
  if (handler) for (const wake of registry[WAITERS]?.splice(0) ?? []) wake();
}

/** Resolves once a serve handler is registered, or after `ms`. */
function handlerRegistered(ms: number): Promise<void> {
  if (registry[KEY] || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    (registry[WAITERS] ??= []).push(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error("the call was aborted");
}

/**
 * A fetch for the executor: POSTs to `serveUrl` (any query) go to the registered serve handler
 * when there is one; everything else goes to the global fetch. Honours `init.signal` like fetch
 * (rejects with its reason; the handler's work is not interrupted, as a server would not be).
 * The first request waits up to `waitForHandlerMs` (default 0) for the handler to register.
 */
export function serveFetch(serveUrl: string, { waitForHandlerMs = 0 }: { waitForHandlerMs?: number } = {}): typeof fetch {
  const base = new URL(serveUrl);
  let first: Promise<void> | undefined;
  return async (input, init) => {
    await (first ??= handlerRegistered(waitForHandlerMs));
    const handler = registry[KEY];
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
    if (!handler || method !== "POST" || url.origin !== base.origin || url.pathname !== base.pathname) return fetch(input, init);
    const signal = init?.signal;
    if (signal?.aborted) throw abortError(signal);
    const answer = handler(new Request(url, { ...init, signal: undefined }));
    if (!signal) return answer;
    let onAbort!: () => void;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(abortError(signal));
      signal.addEventListener("abort", onAbort, { once: true });
    });
    try {
      return await Promise.race([answer, aborted]);
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  };
}
