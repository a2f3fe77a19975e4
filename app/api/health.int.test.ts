import net from "node:net";
import { describe, expect, it } from "vitest";
import { inject } from "vitest";

describe("health and readiness over HTTP", () => {
  const appUrl = inject("appUrl");

  it("GET /api/health answers while the process is up", async () => {
    const res = await fetch(`${appUrl}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok" });
  });

  it("GET /api/ready reports the database reachable and migrated", async () => {
    const res = await fetch(`${appUrl}/api/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ready", database: "ok", pendingMigrations: [] });
  });
});

describe("without a database", () => {
  it("readiness and the webhooks answer 503 (webhooks with Retry-After, so Klaviyo retries)", async () => {
    const { startApp } = await import("@/server/tooling/testing/app");
    const app = await startApp({ env: { DATABASE_URL: "postgres://postgres@127.0.0.1:1/none" } });
    try {
      const res = await fetch(`${app.url}/api/ready`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: "unavailable", database: "unreachable", pendingMigrations: [] });
      const hook = await fetch(`${app.url}/api/demo/webhooks/listeners/klaviyo/passes/pushUpdate`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer pf_00000000_" + "A".repeat(43) },
        body: JSON.stringify({ identifiers: { email: "a@b.co" } }),
      });
      expect(hook.status).toBe(503);
      expect(hook.headers.get("retry-after")).toBe("30");
      expect(hook.headers.get("content-type")).toBe("application/problem+json");
    } finally {
      await app.stop();
    }
  }, 120_000);

  it("a database that accepts connections but never answers gives 503 within the query timeout, not a hang", async () => {
    const { startApp } = await import("@/server/tooling/testing/app");
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s)); // reads nothing, answers nothing
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const port = (silent.address() as net.AddressInfo).port;
    const app = await startApp({ env: { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/none`, DATABASE_QUERY_TIMEOUT_MS: "1500" } });
    try {
      const send = () =>
        fetch(`${app.url}/api/demo/webhooks/listeners/klaviyo/passes/pushUpdate`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: "Bearer pf_00000000_" + "A".repeat(43) },
          body: JSON.stringify({ identifiers: { email: "a@b.co" } }),
          signal: AbortSignal.timeout(60_000),
        });
      expect((await send()).status).toBe(503); // the first request also compiles the route (next dev)
      const started = Date.now();
      const hook = await send();
      expect(hook.status).toBe(503);
      expect(hook.headers.get("retry-after")).toBe("30");
      expect(Date.now() - started).toBeLessThan(10_000); // the 1.5 s query timeout, not a hang
      expect((await fetch(`${app.url}/api/ready`, { signal: AbortSignal.timeout(60_000) })).status).toBe(503);
    } finally {
      await app.stop();
      sockets.forEach((s) => s.destroy());
      silent.close();
    }
  }, 120_000);
});
