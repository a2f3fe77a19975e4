/**
 * The embedded executor: a small, single-process stand-in for the Inngest server, used when no
 * Inngest server is configured (inngest/connection.ts).
 *
 * It does not re-implement step semantics. It drives the app's own `/api/inngest` serve endpoint
 * with the SDK's HTTP execution protocol (./protocol.ts), exactly as Inngest would: the SDK runs
 * the steps; the executor only keeps their results and decides when to call again. Inside the app
 * the signed requests are handed to the serve route's handler in-process (./in-process.ts).
 *
 * - Events arrive at `/api/executor/e/<key>` (the SDK's own `inngest.send` / `step.sendEvent`),
 *   become ExecutorRun rows (one per triggered function; (function, event id) is unique, so a
 *   repeated event id starts nothing) before the sender gets its 200.
 * - Each finished step's result is written to PostgreSQL before the next call, so neither a retry
 *   nor a restart re-runs it. A step error is retried with exponential back-off (base
 *   PASSFLOW_EXECUTOR_RETRY_BASE_MS, doubling, capped at 10 minutes, ±25 % jitter, or the
 *   Retry-After the function asked for) up to the function's `retries`; NonRetriableError (HTTP 400
 *   / StepFailed) ends the run at once; a failed run triggers the function's onFailure handler
 *   (`inngest/function.failed`).
 * - Concurrency is bounded globally (PASSFLOW_EXECUTOR_CONCURRENCY runs being driven at once) and
 *   per function by its `concurrency` options, keyed by `event.data.<path>` expressions.
 * - Cron triggers fire on the minute (UTC); a missed minute is not made up.
 * - At start-up it resumes every run a previous process left QUEUED or RUNNING.
 * - Not implemented (none of the app's functions use them; a warning names any that appears):
 *   step.sleep / waitForEvent / invoke, throttle, rate limit, debounce, batching, cancelOn,
 *   idempotency keys, priority, singleton, timeouts.
 *
 * Single process by design: one executor per database. A PostgreSQL advisory lock held on its own
 * connection keeps a second executor on the same database from starting (it logs why); that
 * process's events are then refused and its tasks stay QUEUED for the running executor's
 * redispatcher. Real deployments with several instances use an Inngest server instead.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { logger as rootLogger, withCorrelation } from "@/server/platform/log";
import { pgConfigFromUrl } from "@/server/platform/pg-config";
import { callFunction, syncFunctions, type FunctionConfig, type SerializedError, type Transport } from "./protocol";
import { parseCron, type CronSchedule } from "./cron";
import { createRunStore, type NewRun, type RunState, type RunStore } from "./store";

const log = rootLogger.child({ component: "executor" });

export interface ExecutorOptions {
  serveUrl: string;
  signingKey: string;
  eventKey: string;
  /** PostgreSQL URL; the advisory lock is taken on its own connection. */
  databaseUrl: string;
  /** Runs driven at once. */
  concurrency: number;
  /** First retry delay in ms; doubles per attempt. */
  retryBaseMs: number;
  /** Limit of one call to the serve endpoint. */
  callTimeoutMs?: number;
  /** How calls reach the serve endpoint (default: fetch over HTTP; in the app, ./in-process.ts). */
  transport?: Transport;
  /** Called once functions are synced and unfinished runs resumed. */
  onReady?: () => Promise<void>;
}

interface Limit {
  /** Counter name prefix: the function (scope fn) or the key expression (wider scopes). */
  scope: string;
  /** Path below `event` for `event.data.x` keys; undefined for a plain limit. */
  path?: string[];
  limit: number;
}

interface Fn {
  config: FunctionConfig;
  url: string;
  retries: number;
  limits: Limit[];
  events: { name: string; match?: { path: string[]; value: string } }[];
  cron?: CronSchedule;
}

/** What the executor reports about itself (tests, benchmark). */
export interface ExecutorStats {
  functions: string[];
  active: number;
  ready: number;
  waiting: number;
  completed: number;
  failed: number;
}

const RETRY_CAP_MS = 10 * 60_000;
const KEEP_FINISHED_MS = 7 * 24 * 3600_000;
const LOCK_KEY = 0x70617373666c6f77n; // "passflow"
/** How long an event send waits for the executor to finish starting before it is refused. */
const READY_WAIT_MS = 10_000;
/** Flow-control options Inngest offers that this executor does not implement (the app uses none). */
const UNSUPPORTED = ["rateLimit", "throttle", "debounce", "batchEvents", "cancel", "idempotency", "priority", "singleton", "timeouts"] as const;

function pathOf(expr: string): string[] | undefined {
  const m = /^event\.([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)$/.exec(expr.trim());
  return m ? m[1]!.split(".") : undefined;
}

function valueAt(obj: unknown, path: string[]): unknown {
  let v = obj;
  for (const p of path) v = v && typeof v === "object" ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

function compile(config: FunctionConfig): Fn {
  const step = Object.values(config.steps)[0];
  if (!step) throw new Error(`function ${config.id} has no step`);
  const limits: Limit[] = [];
  const raw = config.concurrency === undefined ? [] : Array.isArray(config.concurrency) ? config.concurrency : [typeof config.concurrency === "number" ? { limit: config.concurrency } : config.concurrency];
  raw.forEach((c, i) => {
    const path = c.key ? pathOf(c.key) : undefined;
    if (c.key && !path) throw new Error(`function ${config.id}: concurrency key ${JSON.stringify(c.key)} is not an event.data.<path> expression`);
    const scope = !c.scope || c.scope === "fn" ? `${config.id}#${i}` : `${c.scope}:${c.key ?? ""}`;
    limits.push({ scope, path, limit: c.limit });
  });
  const unsupported = UNSUPPORTED.filter((k) => (config as unknown as Record<string, unknown>)[k] !== undefined);
  if (unsupported.length) log.warn({ functionId: config.id, options: unsupported }, "the embedded executor ignores these function options");
  const fn: Fn = { config, url: step.runtime.url, retries: step.retries?.attempts ?? 3, limits, events: [] };
  for (const t of config.triggers) {
    if ("cron" in t) {
      fn.cron = parseCron(t.cron);
      continue;
    }
    if (!t.expression) {
      fn.events.push({ name: t.event });
      continue;
    }
    const m = /^event\.([\w.]+)\s*==\s*'([^']*)'$/.exec(t.expression.trim());
    if (!m) throw new Error(`function ${config.id}: trigger expression ${JSON.stringify(t.expression)} is not supported`);
    fn.events.push({ name: t.event, match: { path: m[1]!.split("."), value: m[2]! } });
  }
  return fn;
}

/** The correlation id an event carries (a failure event: its original event's). */
function correlationOf(event: Record<string, unknown>): string | undefined {
  const data = event.data as { correlationId?: unknown; event?: { data?: { correlationId?: unknown } } } | undefined;
  const id = data?.correlationId ?? data?.event?.data?.correlationId;
  return typeof id === "string" ? id : undefined;
}

function normalizeEvent(raw: unknown): Record<string, unknown> {
  if (!raw || typeof raw !== "object" || typeof (raw as { name?: unknown }).name !== "string") throw new Error("an event needs a name");
  const e = raw as Record<string, unknown>;
  return { ...e, id: typeof e.id === "string" && e.id ? e.id : randomUUID(), data: e.data ?? {}, ts: typeof e.ts === "number" ? e.ts : Date.now() };
}

export class EmbeddedExecutor {
  private readonly fns = new Map<string, Fn>();
  private readonly ready = new Map<string, RunState>();
  private readonly waiting = new Map<string, NodeJS.Timeout>();
  private readonly held = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private active = 0;
  private completed = 0;
  private failed = 0;
  private stopped = false;
  private lockClient?: pg.Client;
  private readonly store: RunStore;
  private markSynced!: () => void;
  private readonly synced = new Promise<void>((resolve) => (this.markSynced = resolve));

  constructor(private readonly opts: ExecutorOptions) {
    this.store = createRunStore(opts.databaseUrl);
  }

  get eventKey(): string {
    return this.opts.eventKey;
  }

  /**
   * Takes the database's executor lock, syncs the functions from the serve endpoint (retrying
   * until the app answers), resumes unfinished runs and starts the cron schedules.
   * Resolves false when another executor already runs on this database.
   */
  async start(): Promise<boolean> {
    if (!(await this.lock())) return false;
    let delay = 250;
    for (;;) {
      if (this.stopped) return false;
      try {
        const configs = await syncFunctions(this.opts.serveUrl, this.opts.signingKey, this.opts.transport);
        for (const config of configs) this.fns.set(config.id, compile(config));
        break;
      } catch (err) {
        if (delay >= 4000) log.warn({ err: (err as Error).message }, "waiting for the serve endpoint");
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5000);
      }
    }
    this.markSynced();
    const unfinished = await this.store.unfinished();
    for (const run of unfinished) {
      if (this.fns.has(run.functionId)) this.schedule(run);
      else await this.store.finish(run.id, { error: { name: "ExecutorError", message: `function ${run.functionId} is no longer served` } });
    }
    for (const fn of this.fns.values()) if (fn.cron) this.scheduleCron(fn);
    const prune = setInterval(() => void this.store.prune(new Date(Date.now() - KEEP_FINISHED_MS)).catch(() => {}), 3600_000);
    prune.unref();
    this.timers.add(prune);
    log.info({ functions: [...this.fns.keys()], resumed: unfinished.length, concurrency: this.opts.concurrency }, "embedded executor started");
    await this.opts.onReady?.();
    return true;
  }

  /** Stops scheduling (runs in flight finish their current call) and releases the lock. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of [...this.timers, ...this.waiting.values()]) clearTimeout(t);
    await this.lockClient?.end().catch(() => {});
    await this.store.close().catch(() => {});
  }

  stats(): ExecutorStats {
    return { functions: [...this.fns.keys()], active: this.active, ready: this.ready.size, waiting: this.waiting.size, completed: this.completed, failed: this.failed };
  }

  /**
   * Accepts events as the Inngest event API does: stores one run per triggered function (none
   * for an event id seen before) and returns the event ids once they are durable.
   */
  async acceptEvents(raw: unknown[]): Promise<string[]> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.synced,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("the embedded executor is not ready")), READY_WAIT_MS))),
    ]).finally(() => clearTimeout(timer));
    const events = raw.map(normalizeEvent);
    const runs: NewRun[] = [];
    for (const event of events) {
      for (const fn of this.fns.values()) {
        const hit = fn.events.some((t) => t.name === event.name && (!t.match || String(valueAt(event, t.match.path)) === t.match.value));
        if (hit) runs.push({ id: randomUUID(), functionId: fn.config.id, eventId: event.id as string, event });
      }
    }
    for (const run of await this.store.insert(runs)) this.schedule(run);
    return events.map((e) => e.id as string);
  }

  private async lock(): Promise<boolean> {
    const client = new pg.Client({ ...pgConfigFromUrl(this.opts.databaseUrl, 1) });
    client.on("error", (err) => log.error({ err: err.message }, "executor lock connection lost"));
    await client.connect();
    const res = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS locked", [LOCK_KEY.toString()]);
    if (!res.rows[0]?.locked) {
      await client.end();
      log.error("another embedded executor runs on this database; this process will not run Inngest functions (use an Inngest server for several instances)");
      return false;
    }
    this.lockClient = client;
    return true;
  }

  private schedule(run: RunState): void {
    const delay = run.runAfter.getTime() - Date.now();
    if (delay <= 0) {
      this.ready.set(run.id, run);
      this.pump();
      return;
    }
    const timer = setTimeout(() => {
      this.waiting.delete(run.id);
      this.ready.set(run.id, run);
      this.pump();
    }, delay);
    timer.unref();
    this.waiting.set(run.id, timer);
  }

  private scheduleCron(fn: Fn): void {
    const at = fn.cron!.next(new Date());
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.stopped) return;
      const id = `cron-${fn.config.id}-${at.toISOString()}`;
      const event = { name: "inngest/scheduled.timer", id, data: { cron: (fn.config.triggers.find((t) => "cron" in t) as { cron: string }).cron }, ts: at.getTime() };
      void this.store
        .insert([{ id: randomUUID(), functionId: fn.config.id, eventId: id, event }])
        .then((runs) => runs.forEach((r) => this.schedule(r)))
        .catch((err: Error) => log.error({ err: err.message, functionId: fn.config.id }, "cron run not stored"));
      this.scheduleCron(fn);
    }, at.getTime() - Date.now());
    timer.unref();
    this.timers.add(timer);
  }

  private counters(run: RunState, fn: Fn): { name: string; limit: number }[] {
    return fn.limits.map((l) => ({ name: l.path ? `${l.scope}=${String(valueAt(run.event, l.path))}` : l.scope, limit: l.limit }));
  }

  private pump(): void {
    if (this.stopped) return;
    for (const run of this.ready.values()) {
      if (this.active >= this.opts.concurrency) return;
      const fn = this.fns.get(run.functionId)!;
      const counters = this.counters(run, fn);
      if (counters.some((c) => (this.held.get(c.name) ?? 0) >= c.limit)) continue;
      this.ready.delete(run.id);
      this.active++;
      for (const c of counters) this.held.set(c.name, (this.held.get(c.name) ?? 0) + 1);
      const correlationId = correlationOf(run.event);
      const drive = () => this.drive(run, fn);
      void (typeof correlationId === "string" ? withCorrelation(correlationId, drive) : drive())
        .catch((err: Error) => {
          // the database or the app went away mid-run: try again later from the stored state
          log.error({ err: err.message, runId: run.id, functionId: run.functionId }, "run interrupted; will resume");
          run.runAfter = new Date(Date.now() + this.opts.retryBaseMs);
          this.schedule(run);
        })
        .finally(() => {
          this.active--;
          for (const c of counters) {
            const n = (this.held.get(c.name) ?? 1) - 1;
            if (n) this.held.set(c.name, n);
            else this.held.delete(c.name);
          }
          this.pump();
        });
    }
  }

  /** Calls the function until it finishes, fails, or has to wait for a retry. */
  private async drive(run: RunState, fn: Fn): Promise<void> {
    const planned: string[] = [];
    for (;;) {
      if (this.stopped) return;
      const outcome = await callFunction(
        fn.url,
        { event: run.event, correlationId: correlationOf(run.event), steps: run.steps, stack: run.stack, runId: run.id, attempt: run.attempt, maxAttempts: fn.retries + 1 },
        { signingKey: this.opts.signingKey, timeoutMs: this.opts.callTimeoutMs ?? 300_000, stepId: planned.shift(), transport: this.opts.transport },
      );
      if (outcome.kind === "done") {
        await this.store.finish(run.id, { output: outcome.output });
        this.completed++;
        log.debug({ runId: run.id, functionId: fn.config.id }, "run completed");
        return;
      }
      if (outcome.kind === "error") {
        if (outcome.final || run.attempt >= fn.retries) return this.fail(run, fn, outcome.error);
        return this.retryLater(run, fn, outcome.error, outcome.retryAfterMs);
      }
      let stepError: SerializedError | undefined;
      for (const op of outcome.ops) {
        if (op.op === "StepRun" || op.op === "Step" || op.op === "StepFailed" || (op.op === "StepError" && run.attempt >= fn.retries)) {
          run.steps[op.id] = op.op === "StepRun" || op.op === "Step" ? { data: op.data ?? null } : { error: op.error ?? { name: "Error", message: "step failed" } };
          run.stack.push(op.id);
          run.attempt = 0;
        } else if (op.op === "StepError") {
          stepError = op.error ?? { name: "Error", message: "step failed" };
        } else if (op.op === "StepPlanned") {
          planned.push(op.id);
        } else {
          return this.fail(run, fn, { name: "ExecutorError", message: `the embedded executor does not support ${op.op} (use an Inngest server)` });
        }
      }
      if (stepError) return this.retryLater(run, fn, stepError, outcome.retryAfterMs);
      await this.store.save(run);
    }
  }

  private async retryLater(run: RunState, fn: Fn, error: SerializedError, retryAfterMs?: number): Promise<void> {
    run.attempt++;
    const backoff = Math.min(this.opts.retryBaseMs * 2 ** (run.attempt - 1), RETRY_CAP_MS) * (0.75 + Math.random() * 0.5);
    run.runAfter = new Date(Date.now() + (retryAfterMs ?? backoff));
    await this.store.save(run);
    log.info({ runId: run.id, functionId: fn.config.id, attempt: run.attempt, retryAt: run.runAfter.toISOString(), err: error.message }, "run will retry");
    this.schedule(run);
  }

  private async fail(run: RunState, fn: Fn, error: SerializedError): Promise<void> {
    const failureFn = this.fns.get(`${fn.config.id}-failure`);
    if (failureFn && run.event.name !== "inngest/function.failed") {
      // stored before the run is marked FAILED: a crash in between replays the failure, never loses it
      await this.acceptEvents([{ name: "inngest/function.failed", id: `failed-${run.id}`, data: { function_id: fn.config.id, run_id: run.id, error, event: run.event } }]);
    }
    await this.store.finish(run.id, { error });
    this.failed++;
    log.warn({ runId: run.id, functionId: fn.config.id, err: error.message }, "run failed");
  }
}
