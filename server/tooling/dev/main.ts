/**
 * `npm run dev`: the main job on the embedded default (or DATABASE_URL when set).
 *
 * Supervises the local processes: serves the embedded PostgreSQL (this process owns the data
 * directory), applies migrations, seeds the demo tenant when absent, creates development wallet
 * certificates, runs a local APNs mock (unless APNS_HOST is set), a local Klaviyo API mock (unless
 * KLAVIYO_API_URL is set; it accepts the key DEV_KLAVIYO_API_KEY) and a local Google Wallet API
 * mock with a development issuer for the demo tenant (unless GOOGLE_WALLET_API_URL or
 * GOOGLE_OAUTH_TOKEN_URL is set), starts Next.js, and prints
 * the console URL, a demo staff login, a fresh demo API key and a ready `curl`. Ctrl-C stops all.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { formatCliError } from "@/server/cli/errors";

/**
 * Claims `<data dir>/dev.json` for this `npm run dev`, or exits with one line when another live
 * one holds it: a second supervisor would otherwise issue new demo credentials (revoking the
 * first one's printed key and password) and overwrite its APNs mock CA before Next.js refuses to
 * start twice. Released on exit.
 */
async function claimDevLock(dir: string): Promise<void> {
  const { devLockFile, runningDevServer } = await import("@/server/platform/running-app");
  const file = devLockFile(dir);
  const holder = runningDevServer(dir);
  if (holder && holder.pid !== process.pid) {
    process.stderr.write(`error: npm run dev already runs for ${dir} (pid ${holder.pid}, port ${holder.port}); stop it first, or use another PASSFLOW_DATA_DIR\n`);
    process.exit(1);
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, JSON.stringify({ pid: process.pid, port: Number(process.env.PORT || 3000) }));
  process.once("exit", () => {
    try {
      const now = JSON.parse(readFileSync(file, "utf8")) as { pid?: number };
      if (now.pid === process.pid) rmSync(file);
    } catch {
      // already gone
    }
  });
}

async function main() {
  // the lock first, before loading modules that set up this data directory (dev secrets)
  const { devSecrets, dataDir } = await import("@/server/platform/data-dir");
  await claimDevLock(dataDir());
  const { env } = await import("@/server/platform/env");
  const { resolveDatabase } = await import("@/server/db/url");
  const { db, closeDb } = await import("@/server/db/client");
  const { migrateDeploy, pendingMigrations } = await import("@/server/db/migrate");
  const { seedForDevelopment } = await import("./demo-access");
  const { ensureDevelopmentCertificates } = await import("@/server/wallet/dev-certificates");
  const { startApnsMock } = await import("@/server/tooling/mocks/apns");
  const { startGoogleWalletMock } = await import("@/server/tooling/mocks/google-wallet");
  const { startKlaviyoMock, DEV_KLAVIYO_API_KEY } = await import("@/server/tooling/mocks/klaviyo");

  const database = await resolveDatabase();
  if ((await pendingMigrations(db())).length) await migrateDeploy(database.url);
  const access = await seedForDevelopment();
  await ensureDevelopmentCertificates();
  // Google Wallet calls go to a local mock unless a Google endpoint is configured; the demo
  // tenant gets a development issuer whose service account key is made anew at each start.
  const googleMock = process.env.GOOGLE_WALLET_API_URL || process.env.GOOGLE_OAUTH_TOKEN_URL ? undefined : await startGoogleWalletMock();
  if (googleMock) await configureDevGoogleIssuer(googleMock.controlUrl);
  await closeDb();
  // Pushes go to a local APNs mock unless a real APNs host is configured.
  const apnsMock = env.APNS_HOST ? undefined : await startApnsMock();
  const apnsCaFile = path.join(dataDir(), "apns-mock-ca.pem");
  if (apnsMock) writeFileSync(apnsCaFile, apnsMock.caPem);
  // Events and profile properties go to a local Klaviyo API mock unless KLAVIYO_API_URL is set.
  const klaviyoMock = process.env.KLAVIYO_API_URL ? undefined : await startKlaviyoMock({ keys: [DEV_KLAVIYO_API_KEY] });

  const port = env.PORT;
  const publicUrl = env.PUBLIC_URL ?? `http://localhost:${port}`;
  const secrets = env.PASSFLOW_ENCRYPTION_KEY && env.NEXTAUTH_SECRET ? undefined : devSecrets();
  const nextBin = createRequire(path.join(process.cwd(), "package.json")).resolve("next/dist/bin/next");
  const child: ChildProcess = spawn(process.execPath, [nextBin, "dev", "--port", String(port), "--hostname", "0.0.0.0"], {
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      PUBLIC_URL: publicUrl,
      NEXTAUTH_URL: env.NEXTAUTH_URL ?? publicUrl,
      NEXTAUTH_SECRET: env.NEXTAUTH_SECRET ?? secrets?.nextAuthSecret,
      PASSFLOW_ENCRYPTION_KEY: env.PASSFLOW_ENCRYPTION_KEY ?? secrets?.encryptionKey,
      NEXT_TELEMETRY_DISABLED: "1",
      ...(apnsMock
        ? { APNS_HOST: apnsMock.host, APNS_PORT: String(apnsMock.port), APNS_CA_FILE: apnsCaFile, APNS_MOCK_CONTROL_URL: apnsMock.controlUrl }
        : {}),
      ...(googleMock
        ? {
            GOOGLE_WALLET_API_URL: googleMock.apiUrl,
            GOOGLE_OAUTH_TOKEN_URL: googleMock.tokenUrl,
            GOOGLE_WALLET_ROOT_KEYS_URL: googleMock.rootKeysUrl,
            GOOGLE_WALLET_MOCK_CONTROL_URL: googleMock.controlUrl,
          }
        : {}),
      ...(klaviyoMock ? { KLAVIYO_API_URL: klaviyoMock.url, KLAVIYO_MOCK_CONTROL_URL: klaviyoMock.controlUrl } : {}),
    },
  });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    child.kill("SIGTERM");
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
    await apnsMock?.close();
    await googleMock?.close();
    await klaviyoMock?.close();
    await database.release();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  child.on("exit", (code) => void stop(code ?? 1));

  await waitForReady(`http://127.0.0.1:${port}/api/ready`);
  const curl = [
    `curl -i -X POST '${publicUrl}/api/demo/webhooks/listeners/klaviyo/passes/pushUpdate'`,
    `  -H 'Authorization: Bearer ${access.apiKey}'`,
    `  -H 'Content-Type: application/json'`,
    `  -d '{"identifiers":{"email":"jane.doe@example.com"},"additionalData":{"points":"1250","tier":"Gold"}}'`,
  ].join(" \\\n");
  process.stdout.write(
    [
      "",
      "  Passflow is running",
      `  Console:     ${publicUrl}`,
      `  Database:    ${database.embedded ? `embedded PostgreSQL (${env.PASSFLOW_DATA_DIR}/postgres)` : "DATABASE_URL"}`,
      `  Staff login: ${access.email} / ${access.password}`,
      `  API key:     ${access.apiKey}   (tenant demo, scope KlaviyoListener.Write)`,
      `  APNs:        ${apnsMock ? `local mock, received pushes at ${apnsMock.controlUrl}/received` : `${env.APNS_HOST}:${env.APNS_PORT}`}`,
      `  Google:      ${googleMock ? `local Google Wallet API mock (issuer ${DEV_GOOGLE_ISSUER_ID} for demo), received calls at ${googleMock.controlUrl}/received` : env.GOOGLE_WALLET_API_URL}`,
      `  Klaviyo API: ${klaviyoMock ? `local mock at ${klaviyoMock.url} (private key ${DEV_KLAVIYO_API_KEY}), received requests at ${klaviyoMock.controlUrl}/received` : env.KLAVIYO_API_URL}`,
      "",
      "  Send a Klaviyo pushUpdate webhook:",
      curl.replace(/^/gm, "    "),
      "",
      "",
    ].join("\n"),
  );
}

/** The demo tenant's development Google Wallet issuer id (the mock's, never Google's). */
const DEV_GOOGLE_ISSUER_ID = "3388000000000000001";

/**
 * Gives the demo tenant the development issuer and a fresh service account key, which the mock
 * is told to accept; a demo tenant with an issuer of its own is left as it is.
 */
async function configureDevGoogleIssuer(controlUrl: string): Promise<void> {
  const { db } = await import("@/server/db/client");
  const { updateTenantSettings } = await import("@/server/tenants/tenants");
  const { generateServiceAccount, googleWalletMockControl } = await import("@/server/tooling/mocks/google-wallet");
  const { DEMO_TENANT } = await import("@/server/tooling/seed");
  const demo = await db().tenant.findUnique({ where: { slug: DEMO_TENANT } });
  if (!demo || (demo.googleIssuerId && demo.googleIssuerId !== DEV_GOOGLE_ISSUER_ID)) return;
  const account = generateServiceAccount();
  await googleWalletMockControl(controlUrl).registerServiceAccount(account.email, account.publicKeyPem, [DEV_GOOGLE_ISSUER_ID]);
  await updateTenantSettings(demo.id, { googleIssuerId: DEV_GOOGLE_ISSUER_ID, googleServiceAccount: account.keyJson }, "npm run dev");
  // the mock starts empty: classes are written again on first use
  await db().googleWalletClass.deleteMany({ where: { tenantId: demo.id } });
  await db().googleWalletObject.deleteMany({ where: { tenantId: demo.id } });
}

async function waitForReady(url: string) {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the app did not become ready at ${url} within 180 s`);
}

main().catch((err) => {
  process.stderr.write(`error: ${formatCliError(err)}\n`);
  process.exit(1);
});
