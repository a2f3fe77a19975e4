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

describe("readiness without a database", () => {
  it("answers 503 with database unreachable", async () => {
    const { startApp } = await import("@/server/testing/app");
    const app = await startApp({ env: { DATABASE_URL: "postgres://postgres@127.0.0.1:1/none" } });
    try {
      const res = await fetch(`${app.url}/api/ready`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: "unavailable", database: "unreachable", pendingMigrations: [] });
    } finally {
      await app.stop();
    }
  }, 120_000);
});
