import { describe, expect, it } from "vitest";
import { metrics, scrapeGauges, webhookMetric } from "./metrics";
import { route } from "./http/route";
import { HttpProblem } from "./http/problem";

const sample = (text: string, line: RegExp) => text.split("\n").find((l) => line.test(l));

describe("metrics", () => {
  it("route() records the status and time of every answer, thrown errors included", async () => {
    const endpoint = `test-${Math.random().toString(36).slice(2)}`;
    const ok = route(async (_request: Request) => new Response(null, { status: 200 }), { metric: webhookMetric(endpoint) });
    const refused = route(async (_request: Request): Promise<Response> => {
      throw new HttpProblem({ status: 401 });
    }, { metric: webhookMetric(endpoint) });
    await ok(new Request("http://localhost/x"));
    await ok(new Request("http://localhost/x"));
    expect((await refused(new Request("http://localhost/x"))).status).toBe(401);
    const text = await metrics().registry.metrics();
    expect(sample(text, new RegExp(`^passflow_webhooks_total\\{endpoint="${endpoint}",status="200"\\}`))).toMatch(/ 2$/);
    expect(sample(text, new RegExp(`^passflow_webhooks_total\\{endpoint="${endpoint}",status="401"\\}`))).toMatch(/ 1$/);
    expect(sample(text, new RegExp(`^passflow_webhook_duration_seconds_count\\{endpoint="${endpoint}",status="200"\\}`))).toMatch(/ 2$/);
  });

  it("scrapeGauges collects once per scrape for all its gauges, empties them when collecting fails, and registers once", async () => {
    let calls = 0;
    let fail = false;
    const register = () =>
      scrapeGauges({ test_gauge_a: { help: "a", labelNames: ["k"] }, test_gauge_b: { help: "b" } }, async (g) => {
        calls++;
        if (fail) throw new Error("database down");
        g.test_gauge_a.set({ k: "x" }, 3);
        g.test_gauge_b.set(7);
      });
    register();
    register(); // a second module instance (route bundle, hot reload): no second registration
    let text = await metrics().registry.metrics();
    expect(calls).toBe(1);
    expect(sample(text, /^test_gauge_a\{k="x"\}/)).toBe('test_gauge_a{k="x"} 3');
    expect(sample(text, /^test_gauge_b /)).toBe("test_gauge_b 7");
    fail = true;
    text = await metrics().registry.metrics();
    expect(calls).toBe(2);
    expect(sample(text, /^test_gauge_a\{/)).toBeUndefined();
    expect(sample(text, /^nodejs_eventloop_lag_seconds /)).toBeDefined(); // the rest of the scrape still answers
  });
});
