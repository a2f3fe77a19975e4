/**
 * `npm run bench:wallet`: the Apple Wallet figures of issues 5 and 13, in one run.
 *
 * 1. .pkpass builds per second through Passflow (pkpassFile: credentials, model, build cache
 *    machinery, one cache miss per pass; signed with native crypto) and through raw
 *    passkit-generator on the same model (same images, props, fields, barcode, certificates;
 *    signed with node-forge). Target ratio >= 5 (issue 13).
 * 2. Pushes per second for one pass with 10,000 registrations through the APNs sender
 *    (@parse/node-apn, PushDelivery rows written) against the local APNs mock in its own process,
 *    and a bare node:http2 client sending the same requests. Target ratio >= 0.7.
 * 3. Downloads per second when 1,000 devices fetch one freshly updated pass from the app
 *    (`next start` when a production build exists, `next dev` otherwise), next to what the same
 *    app serves for GET /api/health (Next.js's own ceiling on this machine). Targets >= 1,000/s
 *    and >= 0.8x health (issue 13). With a build, once per count in BENCH_WORKERS (e.g. `1,2`;
 *    default 1) as `npm start` runs with PASSFLOW_WORKERS (several need DATABASE_URL: the
 *    embedded database serves one process).
 *
 * The machine is shared: rounds are interleaved and the best round of each side counts. Uses
 * DATABASE_URL (recommended: a real PostgreSQL) or the embedded one. Prints figures; asserts
 * nothing. Options: BENCH_PARTS (builds,pushes,downloads), BENCH_BUILDS (200), BENCH_PUSHES
 * (10000), BENCH_DOWNLOADS (1000).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import http2 from "node:http2";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { eachLimit } from "./load";
import { benchWorkers, cpuByPid, cpuSince } from "./processes";

const BUILDS = Number(process.env.BENCH_BUILDS ?? 200);
const PUSHES = Number(process.env.BENCH_PUSHES ?? 10_000);
const DOWNLOADS = Number(process.env.BENCH_DOWNLOADS ?? 1_000);
const PARTS = new Set((process.env.BENCH_PARTS ?? "builds,pushes,downloads").split(","));
const CONCURRENCY = 50;

const dataDir = mkdtempSync(path.join(tmpdir(), "passflow-bench-"));
process.env.PASSFLOW_DATA_DIR = dataDir;
process.env.PASSFLOW_ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
process.env.LOG_LEVEL ??= "warn";

const rate = (n: number, ms: number) => (n / ms) * 1000;
const fmt = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 0 });
const best = (runs: { ok: number; ms: number }[]) => Math.max(...runs.map((r) => rate(r.ok, r.ms)));
/** CPU time (user + system) of this process, ms: steadier than wall time on a shared machine. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function modules() {
  return {
    ...(await import("@/server/db/url")),
    ...(await import("@/server/db/client")),
    ...(await import("@/server/db/migrate")),
    ...(await import("@/server/tenants/tenants")),
    ...(await import("@/server/passes/passes")),
    ...(await import("@/server/wallet/signing")),
    ...(await import("@/server/wallet/dev-certificates")),
    ...(await import("@/server/wallet/pass-file")),
    ...(await import("@/server/wallet/pkpass")),
    ...(await import("@/server/wallet/apns")),
    ...(await import("@/server/wallet/push")),
    ...(await import("@/server/tooling/mocks/apns")),
    ...(await import("@/server/tooling/testing/wallet-device")),
    ...(await import("@/server/platform/crypto")),
    ...(await import("@/server/tooling/testing/app")),
    passkit: await import("passkit-generator"),
  };
}
type Modules = Awaited<ReturnType<typeof modules>>;

/** A bench tenant with one pass, its certificate and model. */
async function setup(m: Modules) {
  const slug = `bench-${Date.now().toString(36)}`;
  const tenant = await m.createTenant({ slug, name: "Bench Coffee", actor: "bench" });
  const { serialNumber } = await m.issuePass({ tenant: slug, passType: "basic", identifiers: { email: "bench@example.com", customerId: "CUST-1" }, data: { points: 100, tier: "Silver", memberName: "Bench User" } });
  const pass = (await m.findPassFile({ serialNumber, tenant: slug }))!;
  const passType = await m.db().passType.findUniqueOrThrow({ where: { id: pass.passType.id } });
  const creds = await m.signingCredentials(tenant.id, passType.passTypeIdentifier, passType.teamIdentifier);
  return { slug, tenant, pass, passType, creds, model: m.passModel(passType), token: m.decryptSecret(pass.authenticationTokenEncrypted) };
}
type Ctx = Awaited<ReturnType<typeof setup>>;

async function benchBuilds(m: Modules, c: Ctx): Promise<string> {
  const { PKPass, PassType } = m.passkit;
  const t = c.model.template;
  const raw = (i: number) => {
    const p = new PKPass(c.model.files, { wwdr: c.creds.wwdrPem, signerCert: c.creds.certificatePem, signerKey: c.creds.privateKeyPem }, {
      formatVersion: 1,
      serialNumber: `raw-${i}`,
      passTypeIdentifier: c.model.passTypeIdentifier,
      teamIdentifier: c.model.teamIdentifier,
      organizationName: t.organizationName,
      description: t.description,
      logoText: t.logoText,
      backgroundColor: t.backgroundColor,
      foregroundColor: t.foregroundColor,
      labelColor: t.labelColor,
      authenticationToken: c.token,
      webServiceURL: m.webServiceUrl(c.slug),
    });
    const type = new PassType("storeCard");
    type.primaryFields.push({ key: "points", label: "Points", value: 100 + i, changeMessage: "You now have %@ points" });
    type.secondaryFields.push({ key: "tier", label: "Tier", value: "Silver", changeMessage: "Your tier is now %@" });
    type.auxiliaryFields.push({ key: "memberName", label: "Member", value: "Bench User" });
    p.types.push(type);
    p.setBarcodes({ message: "CUST-1", altText: "CUST-1", format: "PKBarcodeFormatQR", messageEncoding: "iso-8859-1" });
    return p.getAsBuffer();
  };
  // a distinct pass id per build: every call is a cache miss that builds
  const passflow = (i: number) => m.pkpassFile({ ...c.pass, id: `bench-${randomUUID()}`, data: { points: 100 + i, tier: "Silver", memberName: "Bench User" } });
  for (let i = 0; i < 10; i++) {
    raw(i);
    await passflow(i);
  }
  const rawRuns = [];
  const passflowRuns = [];
  const perRound = Math.ceil(BUILDS / 4);
  for (let round = 0; round < 4; round++) {
    let start = performance.now();
    for (let i = 0; i < perRound; i++) raw(i);
    rawRuns.push({ ok: perRound, ms: performance.now() - start });
    start = performance.now();
    for (let i = 0; i < perRound; i++) await passflow(i);
    passflowRuns.push({ ok: perRound, ms: performance.now() - start });
  }
  const p = best(passflowRuns);
  const r = best(rawRuns);
  return `builds/s:    Passflow ${p.toFixed(1)}  raw passkit-generator ${r.toFixed(1)}  ratio ${(p / r).toFixed(2)} (target >= 5; 4 rounds of ${perRound} builds each)`;
}

async function benchPushes(m: Modules, c: Ctx): Promise<{ line: string; deviceIds: string[] }> {
  const mock = await m.spawnApnsMock();
  const control = m.apnsMockControl(mock.controlUrl);
  const devices = Array.from({ length: PUSHES }, () => ({ id: randomUUID(), deviceLibraryIdentifier: randomBytes(16).toString("hex"), pushToken: randomBytes(32).toString("hex") }));
  for (let i = 0; i < devices.length; i += 5000) {
    const chunk = devices.slice(i, i + 5000);
    await m.db().device.createMany({ data: chunk });
    await m.db().registration.createMany({ data: chunk.map((d) => ({ deviceId: d.id, passId: c.pass.id, pushToken: d.pushToken })) });
  }

  const transport = m.createApnsTransport({ endpoint: { host: mock.host, port: mock.port, caPem: mock.caPem } });
  const sender = m.createPushSender(transport);
  const viaSender = async () => {
    const versionTag = await m.changePass(c.pass.id, { points: Math.floor(Math.random() * 1000) });
    await m.pkpassFile((await m.findPassFile({ passId: c.pass.id }))!); // built before the timing, as a pass update would
    const [start, cpu] = [performance.now(), cpuMs()];
    const outcome = await sender.send({ passId: c.pass.id, versionTag, correlationId: "bench" });
    return { ok: "accepted" in outcome ? outcome.accepted : 0, ms: performance.now() - start, cpu: cpuMs() - cpu };
  };
  const session = http2.connect(`https://${mock.host}:${mock.port}`, { ca: mock.caPem, cert: c.creds.certificatePem, key: c.creds.privateKeyPem });
  await new Promise((resolve, reject) => session.once("connect", resolve).once("error", reject));
  const expiration = String(Math.floor(Date.now() / 1000) + 86_400);
  const bare = async () => {
    let ok = 0;
    const [start, cpu] = [performance.now(), cpuMs()];
    await eachLimit(devices, 500, (d) =>
      new Promise<void>((resolve) => {
        const req = session.request({ ":method": "POST", ":path": `/3/device/${d.pushToken}`, "apns-topic": c.passType.passTypeIdentifier, "apns-priority": "10", "apns-expiration": expiration });
        req.on("response", (h) => (ok += h[":status"] === 200 ? 1 : 0));
        req.on("data", () => {});
        req.on("end", resolve);
        req.on("error", () => resolve());
        req.end(m.WALLET_PAYLOAD);
      }),
    );
    return { ok, ms: performance.now() - start, cpu: cpuMs() - cpu };
  };

  await viaSender(); // warm-ups: connections, JIT
  await bare();
  await control.reset();
  const senderRuns = [];
  const bareRuns = [];
  for (let round = 0; round < 3; round++) {
    senderRuns.push(await viaSender());
    bareRuns.push(await bare());
  }
  const accepted = (await control.stats()).byStatus["200"] ?? 0;
  session.close();
  await transport.close();
  await mock.stop();
  const s = best(senderRuns);
  const b = best(bareRuns);
  const runs = (rs: { ok: number; ms: number }[]) => rs.map((r) => fmt(rate(r.ok, r.ms))).join("/");
  const cpuPerPush = (rs: { ok: number; cpu: number }[]) => (Math.min(...rs.map((r) => r.cpu / r.ok)) * 1000).toFixed(0);
  return {
    line:
      `pushes/s:    Passflow ${fmt(s)}  bare http2 ${fmt(b)}  ratio ${(s / b).toFixed(2)} (target >= 0.7; ${fmt(PUSHES)} registrations; ` +
      `rounds Passflow ${runs(senderRuns)}, bare ${runs(bareRuns)}; client CPU per push: Passflow ${cpuPerPush(senderRuns)} µs, bare ${cpuPerPush(bareRuns)} µs; ` +
      `${fmt(accepted)} accepted at the mock)`,
    deviceIds: devices.map((d) => d.id),
  };
}

/** One line per app process count of BENCH_WORKERS (`next dev` without a build: one process, once). */
async function benchDownloads(m: Modules, c: Ctx, database: { url: string; embedded: unknown }): Promise<string[]> {
  const built = existsSync(path.resolve(".next/BUILD_ID"));
  if (!built) return [await downloadsWith(m, c, database.url, undefined)];
  process.env.PASSFLOW_TEST_SERVER = "start";
  const lines = [];
  for (const workers of benchWorkers()) {
    if (workers > 1 && database.embedded) lines.push(`downloads/s ×${workers}: skipped (the embedded database serves one process; set DATABASE_URL)`);
    else lines.push(await downloadsWith(m, c, database.url, workers));
  }
  return lines;
}

/** Downloads with the app as `npm start` with `workers` processes (undefined: `next dev`). */
async function downloadsWith(m: Modules, c: Ctx, databaseUrl: string, workers: number | undefined): Promise<string> {
  const built = workers !== undefined;
  const app = await m.startApp({
    name: "bench",
    workers,
    env: {
      DATABASE_URL: databaseUrl,
      PASSFLOW_DATA_DIR: dataDir,
      PASSFLOW_ENCRYPTION_KEY: process.env.PASSFLOW_ENCRYPTION_KEY,
      NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
      PASSFLOW_DEV_CERTIFICATES: "true",
      LOG_LEVEL: "warn",
      // `next start` runs with NODE_ENV=production, which refuses an http:// PUBLIC_URL; downloads go to app.url
      ...(built ? { PUBLIC_URL: "https://passflow.bench.invalid" } : {}),
    },
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    const get = (p: string, headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const req = http.get(`${app.url}${p}`, { agent, headers }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("error", reject);
      });
    const load = async (p: string, headers: Record<string, string>) => {
      const statuses: number[] = [];
      const [start, cpu] = [performance.now(), cpuByPid(app.pids())];
      await eachLimit(Array.from({ length: DOWNLOADS }, (_, i) => i), CONCURRENCY, async () => void statuses.push(await get(p, headers)));
      return { ok: statuses.filter((s) => s === 200).length, ms: performance.now() - start, cpu: cpuSince(cpu).total };
    };
    const passPath = `/api/${c.slug}/passkit/v1/passes/${c.passType.passTypeIdentifier}/${c.pass.serialNumber}`;
    const auth = { authorization: `ApplePass ${c.token}` };
    // warm the route on every connection (several processes: each gets some)
    await eachLimit(Array.from({ length: 2 * CONCURRENCY }, (_, i) => i), CONCURRENCY, async () => void (await get(passPath, auth)));
    const downloadRuns = [];
    const healthRuns = [];
    for (let round = 0; round < 3; round++) {
      await m.changePass(c.pass.id, { points: 200 + round }); // a fresh version: the first download builds it
      downloadRuns.push(await load(passPath, auth));
      healthRuns.push(await load("/api/health", {}));
    }
    const runs = downloadRuns.map((r) => `${r.ok}×200`).join("/");
    const cpuPer = (rs: { ok: number; cpu: number }[]) => Math.min(...rs.map((r) => r.cpu / r.ok)).toFixed(2);
    return (
      `downloads/s${built ? ` ×${workers}` : ""}: ${fmt(best(downloadRuns))} (target >= 1,000; ${fmt(DOWNLOADS)} devices, ${CONCURRENCY} at a time, ${runs}, ` +
      `app: ${built ? `npm start, ${workers} process${workers > 1 ? "es" : ""}` : "next dev"}; ` +
      `GET /api/health on the same app: ${fmt(best(healthRuns))}/s, ratio ${(best(downloadRuns) / best(healthRuns)).toFixed(2)} (target >= 0.8); ` +
      `app CPU per request: download ${cpuPer(downloadRuns)} ms, health ${cpuPer(healthRuns)} ms)`
    );
  } finally {
    agent.destroy();
    await app.stop();
  }
}

async function main() {
  const m = await modules();
  const database = await m.resolveDatabase();
  if ((await m.pendingMigrations(m.db())).length) await m.migrateDeploy(database.url);
  const c = await setup(m);
  const lines: string[] = [];
  const report = (line: string) => {
    lines.push(line);
    process.stdout.write(line + "\n");
  };
  report(`database: ${database.embedded ? "embedded PostgreSQL (PGlite)" : "DATABASE_URL"}; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} on ${cpus().length} cores`);
  let deviceIds: string[] = [];
  try {
    if (PARTS.has("builds")) report(await benchBuilds(m, c));
    if (PARTS.has("pushes")) {
      const pushes = await benchPushes(m, c);
      deviceIds = pushes.deviceIds;
      report(pushes.line);
    }
    if (PARTS.has("downloads")) for (const line of await benchDownloads(m, c, database)) report(line);
  } finally {
    await m.db().tenant.delete({ where: { id: c.tenant.id } });
    for (let i = 0; i < deviceIds.length; i += 5000) await m.db().device.deleteMany({ where: { id: { in: deviceIds.slice(i, i + 5000) } } });
    await m.closeDb();
    await database.release();
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.stdout.write(`\n${lines.join("\n")}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
