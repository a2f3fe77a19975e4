/**
 * The Inngest HTTP execution protocol, executor side, as the inngest 4.x SDK serves it:
 *
 * - sync: `PUT <serve>` with `X-Inngest-Sync-Kind: in_band` answers the function configs;
 * - call: `POST <serve>?fnId=<fn>&stepId=step` with `{ event, events, steps, ctx }`, where `steps`
 *   maps each finished step's hashed id to `{ data }` or `{ error }` and `ctx.stack` lists them in
 *   completion order. Answers: 206 with ops to memoize, 200 with the function's return value,
 *   500 (retriable) or 400 (`X-Inngest-No-Retry: true`, final) with the error.
 *
 * Requests are signed like Inngest Cloud signs them (`X-Inngest-Signature: t=<unix>&s=<hex>`, an
 * HMAC-SHA256 of the canonical JSON body followed by t, keyed with the signing key without its
 * `signkey-…-` prefix), so the serve endpoint never trusts an unsigned caller.
 */
import { createHmac } from "node:crypto";

/** A step or function error as the SDK serializes it. */
export interface SerializedError {
  name?: string;
  message?: string;
  stack?: string;
  [key: string]: unknown;
}

/** One op of a 206 answer. */
export interface Op {
  id: string;
  op: string;
  name?: string;
  displayName?: string;
  data?: unknown;
  error?: SerializedError;
  opts?: Record<string, unknown>;
}

export type Trigger = { event: string; expression?: string } | { cron: string };

export interface ConcurrencyOption {
  limit: number;
  key?: string;
  scope?: "fn" | "env" | "account";
}

/** A function as the SDK registers it (only the fields the executor reads). */
export interface FunctionConfig {
  id: string;
  name?: string;
  triggers: Trigger[];
  steps: Record<string, { runtime: { url: string }; retries?: { attempts: number } }>;
  concurrency?: number | ConcurrencyOption | ConcurrencyOption[];
}

export type Memo = { data: unknown } | { error: SerializedError };

export interface CallRequest {
  event: Record<string, unknown>;
  /** Sent as X-Correlation-Id, so the serve endpoint logs under the webhook's correlation id. */
  correlationId?: string;
  steps: Record<string, Memo>;
  stack: string[];
  runId: string;
  attempt: number;
  maxAttempts: number;
}

export type CallOutcome =
  | { kind: "ops"; ops: Op[]; retryAfterMs?: number }
  | { kind: "done"; output: unknown }
  | { kind: "error"; final: boolean; error: SerializedError; retryAfterMs?: number };

/** JSON with object keys sorted (RFC 8785 style, as the SDK canonicalizes before checking a signature). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object" || typeof (value as { toJSON?: unknown }).toJSON === "function") {
    return JSON.stringify(value) ?? "null";
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined || typeof v === "symbol" ? "null" : canonicalJson(v))).join(",")}]`;
  const entries = Object.keys(value)
    .sort()
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined && typeof (value as Record<string, unknown>)[k] !== "symbol")
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(",")}}`;
}

/** The `X-Inngest-Signature` header for `body`. */
export function signature(body: string, signingKey: string, now = Date.now()): string {
  const t = Math.floor(now / 1000).toString();
  const s = createHmac("sha256", signingKey.replace(/^signkey-[\w]+-/, "")).update(body).update(t).digest("hex");
  return `t=${t}&s=${s}`;
}

function headers(body: string, signingKey: string): Record<string, string> {
  // identity: compressing loopback traffic only costs CPU on both ends
  return { "content-type": "application/json", "accept-encoding": "identity", "x-inngest-signature": signature(body, signingKey), "x-inngest-server-kind": "cloud" };
}

function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function asError(body: unknown, fallback: string): SerializedError {
  if (body && typeof body === "object") return body as SerializedError;
  return { name: "Error", message: typeof body === "string" && body ? body : fallback };
}

/** How a call reaches the serve endpoint: `fetch`, or the executor's in-process transport (./in-process.ts). */
export type Transport = typeof fetch;

/** Asks the serve endpoint for its function configs (in-band sync). */
export async function syncFunctions(serveUrl: string, signingKey: string, transport: Transport = fetch): Promise<FunctionConfig[]> {
  const body = canonicalJson({ url: serveUrl });
  const res = await transport(serveUrl, { method: "PUT", headers: { ...headers(body, signingKey), "x-inngest-sync-kind": "in_band" }, body });
  const text = await res.text();
  if (!res.ok) throw new Error(`sync with ${serveUrl} failed: HTTP ${res.status} ${text.slice(0, 300)}`);
  return (JSON.parse(text) as { functions: FunctionConfig[] }).functions;
}

/**
 * Calls one function once (`stepId` names a planned step to run, `step` lets the SDK choose).
 * Never throws: a call that fails or times out (`timeoutMs`) is a retriable error outcome.
 */
export async function callFunction(
  stepUrl: string,
  req: CallRequest,
  opts: { signingKey: string; timeoutMs: number; stepId?: string; transport?: Transport },
): Promise<CallOutcome> {
  const { signingKey, timeoutMs, stepId = "step", transport = fetch } = opts;
  const url = new URL(stepUrl);
  url.searchParams.set("stepId", stepId);
  const body = canonicalJson({
    event: req.event,
    events: [req.event],
    steps: req.steps,
    ctx: {
      run_id: req.runId,
      attempt: req.attempt,
      max_attempts: req.maxAttempts,
      disable_immediate_execution: false,
      use_api: false,
      stack: { stack: req.stack, current: req.stack.length },
    },
  });
  let res: Response;
  let text: string;
  // a timer cleared as soon as the call ends: AbortSignal.timeout() would keep one alive per call
  // for the whole timeout (minutes), thousands of them under load
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`call timeout: no answer within ${timeoutMs} ms`)), timeoutMs);
  try {
    const sent: Record<string, string> = headers(body, signingKey);
    if (req.correlationId) sent["x-correlation-id"] = req.correlationId;
    res = await transport(url, { method: "POST", headers: sent, body, signal: abort.signal });
    text = await res.text();
  } catch (err) {
    return { kind: "error", final: false, error: { name: "ExecutorCallError", message: `calling ${url.pathname} failed: ${(err as Error).message}` } };
  } finally {
    clearTimeout(timer);
  }
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // keep the text
  }
  if (res.status === 206) return { kind: "ops", ops: (Array.isArray(parsed) ? parsed : [parsed]) as Op[], retryAfterMs: retryAfterMs(res.headers.get("retry-after")) };
  if (res.status === 200) return { kind: "done", output: parsed };
  const final = res.headers.get("x-inngest-no-retry") === "true";
  return { kind: "error", final, error: asError(parsed, `HTTP ${res.status}`), retryAfterMs: retryAfterMs(res.headers.get("retry-after")) };
}
