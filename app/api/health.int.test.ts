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
    const { startApp } = await import("@/server/testing/app");
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
});
