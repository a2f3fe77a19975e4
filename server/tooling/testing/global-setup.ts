/**
 * Vitest global setup: a real PostgreSQL for the run. With DATABASE_URL set (CI: the local
 * server) it is migrated and used; otherwise a throwaway in-memory embedded PostgreSQL is started
 * on a free port. A temporary data directory keeps test secrets away from `.data/`. The app is
 * pointed at a local APNs mock and a local Klaviyo API mock started here.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "passflow-test-"));
  process.env.PASSFLOW_DATA_DIR = dataDir;
  process.env.LOG_LEVEL ??= "warn";
  const { startEmbeddedPostgres } = await import("@/server/db/embedded");
  const { migrateDeploy } = await import("@/server/db/migrate");
  const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres({ dataDir: "memory://" });
  const url = process.env.DATABASE_URL ?? embedded!.url;
  process.env.DATABASE_URL = url;
  await migrateDeploy(url);
  project.provide("databaseUrl", url);
  project.provide("databaseEmbedded", !!embedded);
  project.provide("dataDir", dataDir);
  // an OAuth2 issuer for the listeners' JWT path: a key pair and its JWKS on loopback
  const { startTestIssuer } = await import("./issuer");
  const issuer = await startTestIssuer();
  project.provide("oauth", { issuer: issuer.issuer, audience: issuer.audience, privateKeyPem: issuer.privateKeyPem });
  // a local APNs the app pushes to; tests read what it received through its control URL
  const { startApnsMock } = await import("@/server/tooling/mocks/apns");
  const apns = await startApnsMock();
  const apnsCaFile = path.join(dataDir, "apns-mock-ca.pem");
  writeFileSync(apnsCaFile, apns.caPem);
  const apnsEnv = { APNS_HOST: apns.host, APNS_PORT: String(apns.port), APNS_CA_FILE: apnsCaFile, APNS_MOCK_CONTROL_URL: apns.controlUrl };
  project.provide("apnsMock", { host: apns.host, port: apns.port, caPem: apns.caPem, controlUrl: apns.controlUrl });
  // a local Google Wallet API (token exchange, classes, objects, callback root keys)
  const { startGoogleWalletMock } = await import("@/server/tooling/mocks/google-wallet");
  const google = await startGoogleWalletMock();
  const googleEnv = {
    GOOGLE_WALLET_API_URL: google.apiUrl,
    GOOGLE_OAUTH_TOKEN_URL: google.tokenUrl,
    GOOGLE_WALLET_ROOT_KEYS_URL: google.rootKeysUrl,
    GOOGLE_WALLET_MOCK_CONTROL_URL: google.controlUrl,
  };
  project.provide("googleWalletMock", googleEnv);
  // a local Klaviyo API the app sends events and profile properties to; tests add their keys
  const { startKlaviyoMock } = await import("@/server/tooling/mocks/klaviyo");
  const klaviyo = await startKlaviyoMock();
  const klaviyoEnv = { KLAVIYO_API_URL: klaviyo.url, KLAVIYO_MOCK_CONTROL_URL: klaviyo.controlUrl };
  project.provide("klaviyoMock", { url: klaviyo.url, controlUrl: klaviyo.controlUrl });
  // one app for the whole run, for tests over real HTTP
  const { startApp } = await import("./app");
  const app = await startApp({
    name: "main",
    env: {
      DATABASE_URL: url,
      PASSFLOW_DATA_DIR: dataDir,
      OAUTH_ISSUER: issuer.issuer,
      OAUTH_AUDIENCE: issuer.audience,
      OAUTH_JWKS_URL: issuer.jwksUrl,
      PASSFLOW_EXECUTOR_RETRY_BASE_MS: "1000", // retry tests wait for real back-off: keep it short
      TENANT_CACHE_SECONDS: "0", // tests change tenants from their own process and expect the app to see it at once
      ...apnsEnv,
      ...googleEnv,
      ...klaviyoEnv,
    },
  });
  project.provide("appUrl", app.url);
  project.provide("appLogFile", app.logFile);
  return async () => {
    await app.stop();
    await issuer.stop();
    await apns.close();
    await google.close();
    await klaviyo.close();
    await embedded?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    /** True when the run uses the throwaway embedded PostgreSQL (PGlite: one session for all connections). */
    databaseEmbedded: boolean;
    dataDir: string;
    appUrl: string;
    /** Where the run's app writes its stdout and stderr (its log lines and Next.js's own output). */
    appLogFile: string;
    oauth: { issuer: string; audience: string; privateKeyPem: string };
    /** The APNs mock the app pushes to (server/wallet/apns-mock.ts): endpoint and control URL. */
    apnsMock: { host: string; port: number; caPem: string; controlUrl: string };
    /** The Google Wallet API mock (server/tooling/mocks/google-wallet.ts) as the app's settings. */
    googleWalletMock: { GOOGLE_WALLET_API_URL: string; GOOGLE_OAUTH_TOKEN_URL: string; GOOGLE_WALLET_ROOT_KEYS_URL: string; GOOGLE_WALLET_MOCK_CONTROL_URL: string };
    /** The Klaviyo API mock the app sends to (server/tooling/mocks/klaviyo.ts): API and control URLs. */
    klaviyoMock: { url: string; controlUrl: string };
  }
}
