/**
 * Prometheus metrics (prom-client), served as text by `GET /api/metrics` (app/api/metrics).
 *
 * One registry per process, kept with every metric on globalThis: Next.js loads this module once
 * per route bundle (and again on each dev hot reload), and the counter the listener's bundle
 * increments must be the one the metrics route reads. The metrics of events are defined here, in
 * one list (README "Metrics" names them), and counted where the event happens: the route wrapper
 * (`route(handler, { metric })`: webhooks, downloads), the task lifecycle, the push pipeline and
 * the .pkpass build cache. Values read at scrape time (database pool, task queue, certificate
 * expiry) are gauges that the layer owning the data registers with `scrapeGauges`. Default
 * metrics: process CPU, memory, handles, GC, event-loop lag (`nodejs_eventloop_lag_*`).
 *
 * The endpoint answers only `Authorization: Bearer <METRICS_TOKEN>` (constant-time compare);
 * without METRICS_TOKEN it is 404.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { env } from "./env";
import { safeEqual } from "./crypto";
import { logger } from "./log";
import { HttpProblem } from "./http/problem";

/** Seconds: from a fast answer to Klaviyo's own webhook timeout. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds from a task's queueing to its end: immediate runs to retries over many minutes. */
const TASK_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600];
/** Seconds one .pkpass build (model, signature, zip) takes. */
const BUILD_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

function create() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    webhooks: new Counter({ name: "passflow_webhooks_total", help: "Klaviyo listener requests answered, by endpoint and HTTP status", labelNames: ["endpoint", "status"] as const, registers }),
    webhookDuration: new Histogram({ name: "passflow_webhook_duration_seconds", help: "Time to answer a Klaviyo listener request", labelNames: ["endpoint", "status"] as const, buckets: HTTP_BUCKETS, registers }),
    downloads: new Counter({ name: "passflow_pass_downloads_total", help: "Pass downloads answered (via web_service: devices; link: signed download links), by HTTP status", labelNames: ["via", "status"] as const, registers }),
    downloadDuration: new Histogram({ name: "passflow_pass_download_duration_seconds", help: "Time to answer a pass download", labelNames: ["via", "status"] as const, buckets: HTTP_BUCKETS, registers }),
    tasks: new Counter({ name: "passflow_tasks_total", help: "Sync tasks ended, by kind and outcome (succeeded, failed)", labelNames: ["kind", "outcome"] as const, registers }),
    taskDuration: new Histogram({ name: "passflow_task_duration_seconds", help: "Time from a sync task's queueing to its end, by kind and outcome", labelNames: ["kind", "outcome"] as const, buckets: TASK_BUCKETS, registers }),
    taskRetries: new Counter({ name: "passflow_task_retries_total", help: "Failed sync task attempts that will be retried, by kind", labelNames: ["kind"] as const, registers }),
    pushes: new Counter({ name: "passflow_pushes_total", help: "APNs pushes by outcome: accepted, unregistered (410, registration dropped), rejected (other APNs refusals), failed (no answer after retries)", labelNames: ["outcome"] as const, registers }),
    builds: new Counter({ name: "passflow_pkpass_builds_total", help: ".pkpass versions built (build-cache misses)", registers }),
    buildDuration: new Histogram({ name: "passflow_pkpass_build_duration_seconds", help: "Time to build one .pkpass version", buckets: BUILD_BUCKETS, registers }),
    buildCacheHits: new Counter({ name: "passflow_pkpass_cache_hits_total", help: ".pkpass versions served from the build cache (or from a build in flight)", registers }),
  };
}

export type Metrics = ReturnType<typeof create>;

const globalForMetrics = globalThis as unknown as { passflowMetrics?: Metrics };

/** This process's metrics (created on first use, with the default process metrics). */
export function metrics(): Metrics {
  return (globalForMetrics.passflowMetrics ??= create());
}

/** What the route wrapper records for each answer of a route (server/platform/http/route.ts). */
export interface RequestMetric {
  observe(status: number, seconds: number): void;
}

/** Counts and times the answers of a Klaviyo listener endpoint (`passflow_webhooks_total`, `passflow_webhook_duration_seconds`). */
export function webhookMetric(endpoint: string): RequestMetric {
  return {
    observe(status, seconds) {
      const m = metrics();
      const labels = { endpoint, status: String(status) };
      m.webhooks.inc(labels);
      m.webhookDuration.observe(labels, seconds);
    },
  };
}

/** Counts and times the answers of a pass download route (`passflow_pass_downloads_total`, `passflow_pass_download_duration_seconds`). */
export function downloadMetric(via: "web_service" | "link"): RequestMetric {
  return {
    observe(status, seconds) {
      const m = metrics();
      const labels = { via, status: String(status) };
      m.downloads.inc(labels);
      m.downloadDuration.observe(labels, seconds);
    },
  };
}

/** Longest a scrape waits for one `scrapeGauges` collector (Prometheus's default scrape timeout is 10 s). */
const COLLECT_TIMEOUT_MS = 3000;

/** `promise`, or a rejection once `ms` have passed. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A gauge `scrapeGauges` registers: its help text and label names. */
export interface ScrapeGaugeSpec {
  help: string;
  labelNames?: readonly string[];
}

/**
 * Registers gauges whose values are read when Prometheus scrapes (once per process: later calls
 * do nothing). `collect` runs once per scrape, however many gauges it sets; they are emptied
 * first, so a series it no longer sets disappears. When it fails or takes longer than 3 s (the
 * database is down, the pool exhausted), the gauges stay empty for that scrape (logged) and every
 * other metric is still answered.
 */
export function scrapeGauges<N extends string>(specs: Record<N, ScrapeGaugeSpec>, collect: (gauges: Record<N, Gauge<string>>) => Promise<void> | void): void {
  const { registry } = metrics();
  const names = Object.keys(specs) as N[];
  if (names.some((name) => registry.getSingleMetric(name))) return;
  const gauges = {} as Record<N, Gauge<string>>;
  let pending: Promise<void> | undefined;
  const run = () =>
    (pending ??= (async () => {
      try {
        for (const name of names) gauges[name].reset();
        await within(Promise.resolve(collect(gauges)), COLLECT_TIMEOUT_MS);
      } catch (err) {
        for (const name of names) gauges[name].reset();
        logger.warn({ err: (err as Error).message, metrics: names }, "could not collect metrics for this scrape");
      } finally {
        pending = undefined;
      }
    })());
  for (const name of names) {
    gauges[name] = new Gauge({ name, help: specs[name].help, labelNames: specs[name].labelNames ?? [], registers: [registry], collect: run });
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Lets a scrape through when its `Authorization` is `Bearer <METRICS_TOKEN>`.
 * @throws HttpProblem 404 without METRICS_TOKEN (the endpoint is off), 401 for a missing or wrong token
 */
export function authorizeScrape(headers: Headers): void {
  if (!env.METRICS_TOKEN) throw new HttpProblem({ status: 404 }); // as for any unknown path
  const token = BEARER.exec(headers.get("authorization") ?? "")?.[1];
  if (!token || !safeEqual(token, env.METRICS_TOKEN)) {
    throw new HttpProblem({ status: 401, detail: "send the metrics token as `Authorization: Bearer <METRICS_TOKEN>`", headers: { "www-authenticate": 'Bearer realm="passflow-metrics"' } });
  }
}

/** The answer of an authorized scrape: every metric in the Prometheus text format. */
export async function metricsResponse(): Promise<Response> {
  const { registry } = metrics();
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType, "cache-control": "no-store" } });
}
