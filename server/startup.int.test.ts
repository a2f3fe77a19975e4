/**
 * The app process refuses a configuration phones could not use, before it serves anything:
 * one line naming the variable (server/startup.ts), not a stack trace.
 */
import { expect, it } from "vitest";
import { startApp } from "@/server/tooling/testing/app";

it("an http:// PUBLIC_URL with NODE_ENV=production stops the app with one line naming PUBLIC_URL", async () => {
  const started = startApp({
    name: "startup-refusal",
    env: { NODE_ENV: "production", PASSFLOW_ENCRYPTION_KEY: "a".repeat(64), NEXTAUTH_SECRET: "s3cret", PUBLIC_URL: "http://passflow.example.com" },
  });
  const err = (await started.then(
    async (app) => {
      await app.stop();
      return new Error("the app started");
    },
    (e: unknown) => e,
  )) as Error;
  expect(err.message).toMatch(/^app did not start/);
  const log = err.message.split("\n");
  const lines = log.filter((l) => l.includes("PUBLIC_URL"));
  expect(lines).toEqual(["passflow: invalid configuration: PUBLIC_URL: must be an https:// URL when NODE_ENV=production (Apple Wallet refuses an http:// webServiceURL)"]);
  expect(err.message).not.toMatch(/\bat parseEnv\b|EnvError/);
}, 180_000);
