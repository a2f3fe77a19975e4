/**
 * `npm run bench:wallet`: the Apple Wallet figures of issue 5, in one run.
 *
 * 1. .pkpass builds per second through Passflow (pkpassFile: credentials, model, build cache
 *    machinery, one cache miss per pass) and through raw passkit-generator on the same model
 *    (same images, props, fields, barcode, certificates). Target ratio >= 0.8.
 * 2. Pushes per second for one pass with 10,000 registrations through the APNs sender
 *    (PushDelivery rows, @parse/node-apn, results recorded) against the local APNs mock in its own
 *    process, and a bare node:http2 client sending the same requests. Target ratio >= 0.7.
 * 3. Downloads per second when 1,000 devices fetch one freshly updated pass from the app
 *    (`next start` when a production build exists, `next dev` otherwise). Target >= 1,000/s.
 *
 * Uses DATABASE_URL (recommended: a real PostgreSQL) or the embedded one. Prints figures; asserts
 * nothing. Options: BENCH_BUILDS (200), BENCH_PUSHES (10000), BENCH_DOWNLOADS (1000).
 */
import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import http2 from "node:http2";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";

const BUILDS = Number(process.env.BENCH_BUILDS ?? 200);
const PUSHES = Number(process.env.BENCH_PUSHES ?? 10_000);
const DOWNLOADS = Number(process.env.BENCH_DOWNLOADS ?? 1_000);
const CONCURRENCY = 50;

const dataDir = mkdtempSync(path.join(tmpdir(), "passflow-bench-"));
process.env.PASSFLOW_DATA_DIR = dataDir;
process.env.PASSFLOW_ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
process.env.LOG_LEVEL ??= "warn";

const rate = (n: number, ms: number) => (n / ms) * 1000;
const fmt = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 0 });

async function eachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

async function main() {
  const { resolveDatabase } = await import("../db/url");
  const { db, closeDb } = await import("../db/client");
  const { migrateDeploy, pendingMigrations } = await import("../db/migrate");
  const { createTenant } = await import("../tenants/tenants");
  const { issuePass } = await import("../passes/passes");
  const { signingCredentials } = await import("../wallet/certificates");
  const { passFileSelect, pkpassFile, webServiceUrl } = await import("../wallet/pass-file");
  const { passModel } = await import("../wallet/pkpass");
  const { createApnsSender, WALLET_PAYLOAD } = await import("../wallet/apns");
  const { apnsMockControl } = await import("../wallet/apns-mock");
  const { changePass } = await import("../wallet/testing/device");
  const { decryptSecret } = await import("../crypto");
  const { PKPass, PassType } = await import("passkit-generator");

  const database = await resolveDatabase();
  if ((await pendingMigrations(db())).length) await migrateDeploy(database.url);
  const slug = `bench-${Date.now().toString(36)}`;
  const tenant = await createTenant({ slug, name: "Bench Coffee", actor: "bench" });
  const { serialNumber } = await issuePass({ tenant: slug, passType: "basic", identifiers: { email: "bench@example.com", customerId: "CUST-1" }, data: { points: 100, tier: "Silver", memberName: "Bench User" } });
  const pass = await db().pass.findUniqueOrThrow({ where: { serialNumber }, select: passFileSelect });
  const passTypeRow = await db().passType.findUniqueOrThrow({ where: { id: pass.passType.id } });
  const creds = await signingCredentials(tenant.id, passTypeRow.passTypeIdentifier, passTypeRow.teamIdentifier);
  const lines: string[] = [];
  const report = (line: string) => {
    lines.push(line);
    process.stdout.write(line + "\n");
  };
  report(`database: ${database.embedded ? "embedded PostgreSQL (PGlite)" : "DATABASE_URL"}`);

  // 1. builds: Passflow vs raw passkit-generator, interleaved rounds
  const model = passModel(passTypeRow);
  const token = decryptSecret(pass.authenticationTokenEncrypted);
  const rawBuild = (i: number) => {
    const p = new PKPass(model.files, { wwdr: creds.wwdrPem, signerCert: creds.certificatePem, signerKey: creds.privateKeyPem }, {
      formatVersion: 1, serialNumber: `raw-${i}`, passTypeIdentifier: model.passTypeIdentifier, teamIdentifier: model.teamIdentifier,
      organizationName: model.template.organizationName, description: model.template.description, logoText: model.template.logoText,
      backgroundColor: model.template.backgroundColor, foregroundColor: model.template.foregroundColor, labelColor: model.template.labelColor,
      authenticationToken: token, webServiceURL: webServiceUrl(slug),
    });
    const t = new PassType("storeCard");
    t.primaryFields.push({ key: "points", label: "Points", value: 100 + i, changeMessage: "You now have %@ points" });
    t.secondaryFields.push({ key: "tier", label: "Tier", value: "Silver", changeMessage: "Your tier is now %@" });
    t.auxiliaryFields.push({ key: "memberName", label: "Member", value: "Bench User" });
    p.types.push(t);
    p.setBarcodes({ message: "CUST-1", altText: "CUST-1", format: "PKBarcodeFormatQR", messageEncoding: "iso-8859-1" });
    return p.getAsBuffer();
  };
  const passflowBuild = (i: number) => pkpassFile({ ...pass, id: `bench-${i}-${randomUUID()}`, data: { points: 100 + i, tier: "Silver", memberName: "Bench User" } });
  for (let i = 0; i < 10; i++) {
    rawBuild(i);
    await passflowBuild(i);
  }
  let rawMs = 0;
  let passflowMs = 0;
  for (let round = 0; round < 4; round++) {
    let t = performance.now();
    for (let i = 0; i < BUILDS / 4; i++) rawBuild(i);
    rawMs += performance.now() - t;
    t = performance.now();
    for (let i = 0; i < BUILDS / 4; i++) await passflowBuild(i);
    passflowMs += performance.now() - t;
  }
  const rawRate = rate(BUILDS, rawMs);
  const passflowRate = rate(BUILDS, passflowMs);
  report(`builds/s:    Passflow ${passflowRate.toFixed(1)}  raw passkit-generator ${rawRate.toFixed(1)}  ratio ${(passflowRate / rawRate).toFixed(2)} (target >= 0.8; ${BUILDS} builds each)`);

  // 2. pushes: 10,000 registrations, mock in its own process
  const mockProcess = spawn(process.execPath, [path.resolve("node_modules/tsx/dist/cli.mjs"), path.resolve("server/bench/apns-mock-process.ts")], { stdio: ["pipe", "pipe", "inherit"] });
  const first = await new Promise<string>((resolve) => createInterface({ input: mockProcess.stdout! }).once("line", resolve));
  const mockInfo = JSON.parse(first) as { host: string; port: number; caPem: string; controlUrl: string };
  const control = apnsMockControl(mockInfo.controlUrl);
  const devices = Array.from({ length: PUSHES }, () => ({ id: randomUUID(), deviceLibraryIdentifier: randomBytes(16).toString("hex"), pushToken: randomBytes(32).toString("hex") }));
  for (let i = 0; i < devices.length; i += 5000) {
    const chunk = devices.slice(i, i + 5000);
    await db().device.createMany({ data: chunk });
    await db().registration.createMany({ data: chunk.map((d) => ({ deviceId: d.id, passId: pass.id, pushToken: d.pushToken })) });
  }
  const sender = createApnsSender({ endpoint: { host: mockInfo.host, port: mockInfo.port, caPem: mockInfo.caPem } });
  // warm the connection and the build of the next version outside the timing
  await sender.send({ passId: pass.id, versionTag: await changePass(pass.id, { points: 1 }), correlationId: "warm-up" });
  const versionTag = await changePass(pass.id, { points: 101 });
  await pkpassFile(await db().pass.findUniqueOrThrow({ where: { id: pass.id }, select: passFileSelect }));
  await control.reset();
  let t = performance.now();
  const outcome = await sender.send({ passId: pass.id, versionTag, correlationId: "bench" });
  const senderMs = performance.now() - t;
  const senderAccepted = (await control.stats()).byStatus["200"] ?? 0;

  const session = http2.connect(`https://${mockInfo.host}:${mockInfo.port}`, { ca: mockInfo.caPem, cert: creds.certificatePem, key: creds.privateKeyPem });
  await new Promise((resolve, reject) => session.once("connect", resolve).once("error", reject));
  const expiration = String(Math.floor(Date.now() / 1000) + 86_400);
  const bare = async () => {
    let ok = 0;
    const start = performance.now();
    await eachLimit(devices, 500, (d) => new Promise<void>((resolve) => {
      const req = session.request({ ":method": "POST", ":path": `/3/device/${d.pushToken}`, "apns-topic": passTypeRow.passTypeIdentifier, "apns-priority": "10", "apns-expiration": expiration });
      req.on("response", (h) => (ok += h[":status"] === 200 ? 1 : 0));
      req.on("data", () => {});
      req.on("end", resolve);
      req.on("error", () => resolve());
      req.end(WALLET_PAYLOAD);
    }));
    return { ok, ms: performance.now() - start };
  };
  await bare(); // same warm-up as the sender had
  const bareRun = await bare();
  session.close();
  await sender.connections.closeAll();
  mockProcess.stdin!.end();
  const senderRate = rate(outcome.accepted, senderMs);
  const bareRate = rate(bareRun.ok, bareRun.ms);
  report(`pushes/s:    Passflow ${fmt(senderRate)}  bare http2 ${fmt(bareRate)}  ratio ${(senderRate / bareRate).toFixed(2)} (target >= 0.7; ${fmt(PUSHES)} registrations, accepted ${fmt(outcome.accepted)}/${fmt(senderAccepted)} at the mock, bare ${fmt(bareRun.ok)})`);

  // 3. downloads: 1,000 devices fetch the freshly updated pass from the app
  const { startApp } = await import("../testing/app");
  const built = existsSync(path.resolve(".next/BUILD_ID"));
  if (built) process.env.PASSFLOW_TEST_SERVER = "start";
  const app = await startApp({
    name: "bench",
    env: {
      DATABASE_URL: database.url,
      PASSFLOW_DATA_DIR: dataDir,
      PASSFLOW_ENCRYPTION_KEY: process.env.PASSFLOW_ENCRYPTION_KEY,
      NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
      PASSFLOW_DEV_CERTIFICATES: "true",
      LOG_LEVEL: "warn",
    },
  });
  try {
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const get = (p: string, headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const req = http.get(`${app.url}${p}`, { agent, headers }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("error", reject);
      });
    const passPath = `/api/${slug}/passkit/v1/passes/${passTypeRow.passTypeIdentifier}/${serialNumber}`;
    const auth = { authorization: `ApplePass ${token}` };
    for (let i = 0; i < 20; i++) await get(passPath, auth); // compile/warm the route
    await changePass(pass.id, { points: 202 }); // a fresh version: the first download builds it
    const statuses: number[] = [];
    t = performance.now();
    await eachLimit(Array.from({ length: DOWNLOADS }, (_, i) => i), CONCURRENCY, async () => {
      statuses.push(await get(passPath, auth));
    });
    const downloadMs = performance.now() - t;
    agent.destroy();
    const ok = statuses.filter((s) => s === 200).length;
    report(`downloads/s: ${fmt(rate(ok, downloadMs))} (target >= 1,000; ${fmt(DOWNLOADS)} devices, ${CONCURRENCY} at a time, ${ok} × 200, app: next ${built ? "start" : "dev"})`);
  } finally {
    await app.stop();
  }

  await db().tenant.delete({ where: { id: tenant.id } });
  await db().device.deleteMany({ where: { id: { in: devices.map((d) => d.id) } } });
  await closeDb();
  await database.release();
  rmSync(dataDir, { recursive: true, force: true });
  process.stdout.write(`\n${lines.join("\n")}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
