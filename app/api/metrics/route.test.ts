/**
 * GET /api/metrics without a running app: 404 without METRICS_TOKEN, 401 for a wrong token, and
 * with the token every metric, even when the database gauges cannot be read (no database here).
 */
import { afterEach, describe, expect, it, vi } from "vitest";

const TOKEN = "unit-test-metrics-token";

async function routeWith(token: string | undefined) {
  vi.resetModules(); // env.ts reads METRICS_TOKEN when it loads
  if (token === undefined) delete process.env.METRICS_TOKEN;
  else process.env.METRICS_TOKEN = token;
  return import("./route");
}

const scrape = (GET: (r: Request) => Promise<Response>, authorization?: string) =>
  GET(new Request("http://localhost/api/metrics", { headers: authorization ? { authorization } : {} }));

afterEach(() => {
  delete process.env.METRICS_TOKEN;
});

describe("GET /api/metrics", () => {
  it("is 404 problem+json without METRICS_TOKEN", async () => {
    const { GET } = await routeWith(undefined);
    const res = await scrape(GET, `Bearer ${TOKEN}`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });

  it("is 401 problem+json for a missing or wrong token", async () => {
    const { GET } = await routeWith(TOKEN);
    for (const authorization of [undefined, `Bearer ${TOKEN}!`, `Bearer ${TOKEN.slice(1)}`, TOKEN]) {
      const res = await scrape(GET, authorization);
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="passflow-metrics"');
    }
  });

  it("answers every metric for the token, in the Prometheus text format, without a database too", async () => {
    const { GET } = await routeWith(TOKEN);
    const res = await scrape(GET, `Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const text = await res.text();
    for (const name of ["passflow_webhooks_total", "passflow_tasks_total", "passflow_pushes_total", "passflow_pkpass_builds_total", "passflow_pass_downloads_total", "passflow_task_queue_depth", "passflow_db_pool_connections", "nodejs_eventloop_lag_seconds", "process_cpu_user_seconds_total"]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(text).not.toMatch(/^passflow_task_queue_depth\{/m); // no database: that gauge has no value in this scrape
    expect(text).toMatch(/^passflow_pkpass_cache_entries \d+$/m); // gauges that need none still have theirs
  });
});
