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
 * One executor per database, however many processes share it (`npm start` with PASSFLOW_WORKERS,
 * or several instances): every process runs one of these, but only the one holding a PostgreSQL
 * advisory lock (on a connection of its own) drives runs. The others only store runs: an event
 * sent in any process becomes its ExecutorRun rows there, and the insert notifies the holder of
 * the lock on the channel `passflow_executor` (LISTEN/NOTIFY on the lock connection, so it works
 * across machines sharing the database), which loads and schedules them at once. Processes
 * without the lock try to take it every LOCK_RETRY_MS: when the holder dies, its connection
 * closes, PostgreSQL releases the lock, and another process takes over, resuming every unfinished
 * run (those stored while nobody held the lock too). A holder that loses its lock connection
 * stops driving and tries to take the lock again. PostgreSQL's session shows who runs it:
 * `application_name` is `passflow executor (pid N)` on the holder's connection,
 * `passflow executor standby (pid N)` on the others'.
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
  /** Called each time this process takes the lock, once unfinished runs are resumed. */
  onReady?: () => Promise<void>;
  /** How often a process without the lock tries to take it, ms (default LOCK_RETRY_MS). */
  lockRetryMs?: number;
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
  /** True while this process holds the lock and drives runs. */
  leading: boolean;
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
/** The LISTEN/NOTIFY channel carrying ids of runs stored by any process. */
const CHANNEL = "passflow_executor";
const LOCK_RETRY_MS = 2000;
/** Notifications arriving within this window are loaded with one query. */
const NOTIFY_WINDOW_MS = 5;
/** Ids of runs finished lately, so a notification or scan read just before a run ended does not start it again. */
const FINISHED_MEMORY = 10_000;
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
  /** Runs this process knows: ready, waiting or being driven. */
  private readonly tracked = new Set<string>();
  /** Runs finished lately (insertion order: the oldest is dropped first). */
  private readonly finished = new Set<string>();
  /** Cron and prune timers of the current term. */
  private readonly termTimers = new Set<NodeJS.Timeout>();
  /** Ids announced on the channel, loaded together after NOTIFY_WINDOW_MS. */
  private readonly announced = new Set<string>();
  private announceTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private active = 0;
  private completed = 0;
  private failed = 0;
  private stopped = false;
  private leading = false;
  /** Counts leadership changes: a drive or timer of an earlier term stops acting. */
  private term = 0;
  private standbyLogged = false;
  /** The connection that tries the lock, then holds it and LISTENs. */
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
   * Syncs the functions from the serve endpoint (retrying until the app answers), so this process
   * can store runs, then tries the database's executor lock: with it, resumes unfinished runs and
   * starts the cron schedules; without it, keeps trying every `lockRetryMs`. Resolves true once
   * the first attempt is over (false when stopped before).
   */
  async start(): Promise<boolean> {
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
    await this.contend();
    return !this.stopped;
  }

  /** Stops scheduling (runs in flight finish their current call) and releases the lock. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.leading = false;
    for (const t of [...this.termTimers, ...this.waiting.values(), this.retryTimer, this.announceTimer]) clearTimeout(t);
    await this.lockClient?.end().catch(() => {});
    await this.store.close().catch(() => {});
  }

  stats(): ExecutorStats {
    return { leading: this.leading, functions: [...this.fns.keys()], active: this.active, ready: this.ready.size, waiting: this.waiting.size, completed: this.completed, failed: this.failed };
  }

  /**
   * Accepts events as the Inngest event API does: stores one run per triggered function (none
   * for an event id seen before) and returns the event ids once they are durable. The holder of
   * the lock, this process or another, is notified and schedules the new runs.
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
    // notified even when this process leads: its lock may be gone before the insert commits
    for (const run of await this.store.insert(runs, CHANNEL)) this.adopt(run);
    return events.map((e) => e.id as string);
  }

  /** One attempt at the lock; on failure (or without it) the next one is scheduled. */
  private async contend(): Promise<void> {
    this.retryTimer = undefined;
    if (this.stopped || this.leading) return;
    let client = this.lockClient;
    try {
      client ??= await this.connect();
      const res = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS locked", [LOCK_KEY.toString()]);
      if (res.rows[0]?.locked) return await this.lead(client);
      if (!this.standbyLogged) {
        this.standbyLogged = true;
        log.info(
          { retryMs: this.opts.lockRetryMs ?? LOCK_RETRY_MS },
          "another process runs the embedded executor on this database; this one stores its events for it (LISTEN/NOTIFY) and takes over if it stops",
        );
      }
    } catch (err) {
      log.warn({ err: (err as Error).message }, "embedded executor lock: attempt failed; will retry");
      if (client) this.lost(client);
    }
    this.contendLater();
  }

  private contendLater(): void {
    if (this.stopped || this.leading || this.retryTimer) return;
    this.retryTimer = setTimeout(() => void this.contend(), this.opts.lockRetryMs ?? LOCK_RETRY_MS);
    this.retryTimer.unref();
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ ...pgConfigFromUrl(this.opts.databaseUrl, 1), application_name: `passflow executor standby (pid ${process.pid})`, keepAlive: true });
    client.on("error", (err) => {
      log.error({ err: err.message }, "executor lock connection lost");
      this.lost(client);
    });
    client.on("end", () => this.lost(client));
    client.on("notification", (msg) => this.announce(msg.channel, msg.payload));
    this.lockClient = client;
    await client.connect();
    return client;
  }

  /** The lock connection is gone: PostgreSQL released the lock, so stop driving and contend again. */
  private lost(client: pg.Client): void {
    if (client !== this.lockClient) return;
    this.lockClient = undefined;
    client.end().catch(() => {});
    if (this.stopped) return;
    if (this.leading) {
      log.error("the embedded executor lost its lock; this process stops running functions and tries to take the lock again");
      this.leading = false;
      this.term++;
      for (const t of [...this.termTimers, ...this.waiting.values(), this.announceTimer]) clearTimeout(t);
      this.termTimers.clear();
      this.announced.clear();
      this.announceTimer = undefined;
      // runs being driven stay tracked until their call returns (see pump)
      for (const id of [...this.waiting.keys(), ...this.ready.keys()]) this.tracked.delete(id);
      this.waiting.clear();
      this.ready.clear();
    }
    this.contendLater();
  }

  /** This process holds the lock: listen, resume unfinished runs, start cron and pruning. */
  private async lead(client: pg.Client): Promise<void> {
    this.leading = true;
    const term = ++this.term;
    await client.query(`SET application_name = 'passflow executor (pid ${process.pid})'`);
    // listening before reading unfinished runs: a run stored in between is announced or read, or both
    await client.query(`LISTEN ${CHANNEL}`);
    const unfinished = await this.store.unfinished();
    if (term !== this.term) return;
    for (const run of unfinished) {
      if (this.fns.has(run.functionId)) this.adopt(run);
      else await this.store.finish(run.id, { error: { name: "ExecutorError", message: `function ${run.functionId} is no longer served` } });
    }
    for (const fn of this.fns.values()) if (fn.cron) this.scheduleCron(fn, term);
    const prune = setInterval(() => void this.store.prune(new Date(Date.now() - KEEP_FINISHED_MS)).catch(() => {}), 3600_000);
    prune.unref();
    this.termTimers.add(prune);
    log.info({ functions: [...this.fns.keys()], resumed: unfinished.length, concurrency: this.opts.concurrency }, "embedded executor started");
    await this.opts.onReady?.().catch((err: Error) => log.error({ err: err.message }, "embedded executor: start-up work failed"));
  }

  /** Ids on the channel: the ones this process does not know yet are loaded shortly, together. */
  private announce(channel: string, payload: string | undefined): void {
    if (channel !== CHANNEL || !this.leading || !payload) return;
    for (const id of payload.split(",")) if (!this.tracked.has(id) && !this.finished.has(id)) this.announced.add(id);
    if (this.announced.size && !this.announceTimer) {
      const term = this.term;
      this.announceTimer = setTimeout(() => void this.loadAnnounced(term), NOTIFY_WINDOW_MS);
    }
  }

  private async loadAnnounced(term: number): Promise<void> {
    this.announceTimer = undefined;
    const ids = [...this.announced].filter((id) => !this.tracked.has(id) && !this.finished.has(id));
    this.announced.clear();
    if (ids.length === 0 || term !== this.term) return;
    try {
      const runs = await this.store.load(ids);
      if (term === this.term) for (const run of runs) if (this.fns.has(run.functionId)) this.adopt(run);
    } catch (err) {
      log.error({ err: (err as Error).message, count: ids.length }, "announced runs not loaded; will retry");
      if (term !== this.term) return;
      for (const id of ids) this.announced.add(id);
      this.announceTimer = setTimeout(() => void this.loadAnnounced(term), this.opts.lockRetryMs ?? LOCK_RETRY_MS);
      this.announceTimer.unref();
    }
  }

  /** Takes a stored run on (once), when this process leads. */
  private adopt(run: RunState): void {
    if (!this.leading || this.tracked.has(run.id) || this.finished.has(run.id)) return;
    this.tracked.add(run.id);
    this.schedule(run);
  }

  /** A run ended (completed or failed): forgotten, but remembered as finished for a while. */
  private settle(id: string): void {
    this.tracked.delete(id);
    this.finished.add(id);
    if (this.finished.size > FINISHED_MEMORY) this.finished.delete(this.finished.values().next().value!);
  }

  /** Puts a tracked run in line (now or at runAfter); a process that no longer leads drops it. */
  private schedule(run: RunState): void {
    if (!this.leading) {
      this.tracked.delete(run.id);
      return;
    }
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

  private scheduleCron(fn: Fn, term: number): void {
    const at = fn.cron!.next(new Date());
    const timer = setTimeout(() => {
      this.termTimers.delete(timer);
      if (this.stopped || term !== this.term) return;
      const id = `cron-${fn.config.id}-${at.toISOString()}`;
      const event = { name: "inngest/scheduled.timer", id, data: { cron: (fn.config.triggers.find((t) => "cron" in t) as { cron: string }).cron }, ts: at.getTime() };
      void this.store
        .insert([{ id: randomUUID(), functionId: fn.config.id, eventId: id, event }])
        .then((runs) => runs.forEach((r) => this.adopt(r)))
        .catch((err: Error) => log.error({ err: err.message, functionId: fn.config.id }, "cron run not stored"));
      this.scheduleCron(fn, term);
    }, at.getTime() - Date.now());
    timer.unref();
    this.termTimers.add(timer);
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
      const term = this.term;
      const drive = () => this.drive(run, fn, term);
      void (typeof correlationId === "string" ? withCorrelation(correlationId, drive) : drive())
        .then((outcome) => {
          // the lock changed hands mid-run: in line again if this process leads once more (the stored state is current)
          if (outcome === "abandoned") this.schedule(run);
        })
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

  /**
   * Calls the function until it finishes or fails ("ended"), has to wait for a retry ("waiting",
   * scheduled again), or this process stops leading (`term` is over: "abandoned" before the next call).
   */
  private async drive(run: RunState, fn: Fn, term: number): Promise<"ended" | "waiting" | "abandoned"> {
    const planned: string[] = [];
    for (;;) {
      if (this.stopped || term !== this.term) return "abandoned";
      const outcome = await callFunction(
        fn.url,
        { event: run.event, correlationId: correlationOf(run.event), steps: run.steps, stack: run.stack, runId: run.id, attempt: run.attempt, maxAttempts: fn.retries + 1 },
        { signingKey: this.opts.signingKey, timeoutMs: this.opts.callTimeoutMs ?? 300_000, stepId: planned.shift(), transport: this.opts.transport },
      );
      if (outcome.kind === "done") {
        await this.store.finish(run.id, { output: outcome.output });
        this.settle(run.id);
        this.completed++;
        log.debug({ runId: run.id, functionId: fn.config.id }, "run completed");
        return "ended";
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

  private async retryLater(run: RunState, fn: Fn, error: SerializedError, retryAfterMs?: number): Promise<"waiting"> {
    run.attempt++;
    const backoff = Math.min(this.opts.retryBaseMs * 2 ** (run.attempt - 1), RETRY_CAP_MS) * (0.75 + Math.random() * 0.5);
    run.runAfter = new Date(Date.now() + (retryAfterMs ?? backoff));
    await this.store.save(run);
    log.info({ runId: run.id, functionId: fn.config.id, attempt: run.attempt, retryAt: run.runAfter.toISOString(), err: error.message }, "run will retry");
    this.schedule(run);
    return "waiting";
  }

  private async fail(run: RunState, fn: Fn, error: SerializedError): Promise<"ended"> {
    const failureFn = this.fns.get(`${fn.config.id}-failure`);
    if (failureFn && run.event.name !== "inngest/function.failed") {
      // stored before the run is marked FAILED: a crash in between replays the failure, never loses it
      await this.acceptEvents([{ name: "inngest/function.failed", id: `failed-${run.id}`, data: { function_id: fn.config.id, run_id: run.id, error, event: run.event } }]);
    }
    await this.store.finish(run.id, { error });
    this.settle(run.id);
    this.failed++;
    log.warn({ runId: run.id, functionId: fn.config.id, err: error.message }, "run failed");
    return "ended";
  }
}
