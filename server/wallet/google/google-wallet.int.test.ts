/**
 * Google Wallet end to end over real HTTP: the CLI and the app against the Google Wallet API
 * mock (server/tooling/mocks/google-wallet.ts), a real PostgreSQL.
 */
import { describe, expect, inject, it } from "vitest";
import { InngestTestEngine } from "@inngest/test";
import { createPublicKey } from "node:crypto";
import { jwtVerify } from "jose";
import type { Tenant } from "@prisma/client";
import { db } from "@/server/db/client";
import { generateServiceAccount, googleWalletMockControl, type ReceivedRequest } from "@/server/tooling/mocks/google-wallet";
import { runCli } from "@/server/tooling/testing/cli";
import { createTask, eventually, pushUpdateInput, testTenant, waitForTask } from "@/server/tooling/testing/tasks";
import { googleSync } from "@/inngest/functions/google-sync";
import { ensureGoogleObject, googleIssuer } from "@/server/wallet/google/objects";
import { createPassTypePublish } from "@/inngest/functions/pass-type-publish";
import { googleObjectSyncRequested, passTypePublishRequestedEvent } from "@/inngest/events";
import { publishPassTypeRevision, savePassTypeRevision, showPassType } from "@/server/passes/revisions";
import { createPushSender } from "@/server/wallet/push";
import { recordingTransport } from "@/server/tooling/testing/push";
import { TestBrowser } from "@/server/tooling/testing/browser";
import { TEST_PASSWORD } from "@/server/tooling/testing/console-fixtures";
import { createStaff } from "@/server/staff/staff";
import { uniqueSlug } from "@/server/tooling/testing/cli";
import { createCaller } from "@/server/trpc/root";
import { createInnerContext } from "@/server/trpc/init";

const mock = googleWalletMockControl(inject("googleWalletMock").GOOGLE_WALLET_MOCK_CONTROL_URL);
const appUrl = inject("appUrl");
let issuerSeq = 0;

/** A fresh tenant with a Google Wallet issuer whose service account the mock knows. */
async function googleTenant(): Promise<{ tenant: Tenant; issuerId: string; publicKeyPem: string; email: string }> {
  const tenant = await testTenant();
  const issuerId = `33880000${Date.now() % 1_000_000_000}${issuerSeq++}`;
  const sa = generateServiceAccount(`sa-${tenant.slug}@passflow-test.iam.gserviceaccount.com`);
  await mock.registerServiceAccount(sa.email, sa.publicKeyPem, [issuerId]);
  const r = await runCli(["tenant", "update", tenant.slug, "--google-issuer-id", issuerId, "--google-service-account-stdin", "--json"], { input: sa.keyJson });
  expect(r.stderr).toBe("");
  const settings = JSON.parse(r.stdout) as Record<string, unknown>;
  expect(settings).toMatchObject({ googleIssuerId: issuerId, googleServiceAccountSet: true });
  expect(r.stdout).not.toContain("PRIVATE KEY"); // never shown again
  const row = await db().tenant.findUniqueOrThrow({ where: { id: tenant.id } });
  expect(row.googleServiceAccountEncrypted).toMatch(/^v1\./); // stored encrypted
  return { tenant: row, issuerId, publicKeyPem: sa.publicKeyPem, email: sa.email };
}

async function issue(tenant: Tenant, email: string) {
  const r = await runCli(["pass", "issue", "--tenant", tenant.slug, "--type", "basic", "--email", email, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { serialNumber: string; created: boolean; googleSaveUrl: string; googleObjectId: string };
}

const patchesOf = async (objectId: string, after = 0) => (await mock.received(after)).filter((r) => r.method === "PATCH" && r.id === objectId);

/** A pushUpdate through the app (task → pass.changed → google-sync), waiting for its PATCH to settle. */
async function pushUpdate(tenant: Tenant, email: string, additionalData: Record<string, string>) {
  const task = await createTask(tenant.id, "PASS_UPDATE", pushUpdateInput({ identifiers: { email }, additionalData }));
  expect((await waitForTask(task.id)).status).toBe("SUCCEEDED");
  const pass = await db().pass.findFirstOrThrow({ where: { tenantId: tenant.id } });
  const patch = await eventually(async () => {
    const p = await db().googleWalletPatch.findUnique({ where: { passId_versionTag: { passId: pass.id, versionTag: pass.versionTag } } });
    return p?.status === 200 ? p : undefined;
  });
  expect(patch, "the version was PATCHed").toBeTruthy();
  return patch!;
}

describe("Google Wallet", () => {
  it("pass issue inserts the class and the object and prints a short save link signed by the service account", async () => {
    const { tenant, issuerId, publicKeyPem, email } = await googleTenant();
    const before = (await mock.received()).at(-1)?.seq ?? 0;
    const issued = await issue(tenant, "g1@example.com");
    const objectId = `${issuerId}.${issued.serialNumber}`;
    expect(issued.googleObjectId).toBe(objectId);

    const received = (await mock.received(before)).filter((r) => r.account === email);
    const calls = received.map((r) => `${r.method} ${r.resource} ${r.status}`);
    expect(calls).toEqual(["POST token 200", "POST loyaltyClass 200", "POST loyaltyObject 200"]);
    const cls = await mock.resource("loyaltyClass", `${issuerId}.basic`);
    expect(cls).toMatchObject({ issuerName: "Durable Test", hexBackgroundColor: "#107a7a", reviewStatus: "UNDER_REVIEW", callbackOptions: { url: expect.stringContaining(`/api/${tenant.slug}/google-wallet/callback`) } });
    expect((cls!.programLogo as { sourceUri: { uri: string } }).sourceUri.uri).toMatch(new RegExp(`/api/${tenant.slug}/pass-types/basic/images/logo@3x\\.png\\?v=`));
    const obj = await mock.resource("loyaltyObject", objectId);
    expect(obj).toMatchObject({ classId: `${issuerId}.basic`, state: "ACTIVE", loyaltyPoints: { label: "Points", balance: { int: 0 } }, barcode: { type: "QR_CODE" } });

    // the logo Google fetches is served publicly
    const logo = await fetch((cls!.programLogo as { sourceUri: { uri: string } }).sourceUri.uri.replace(/^https?:\/\/[^/]+/, appUrl));
    expect(logo.status).toBe(200);
    expect(logo.headers.get("content-type")).toBe("image/png");
    expect(logo.headers.get("cache-control")).toContain("max-age");

    // the link: https://pay.google.com/gp/v/save/<jwt>, RS256 by the service account, only the object id
    expect(issued.googleSaveUrl.startsWith("https://pay.google.com/gp/v/save/")).toBe(true);
    expect(issued.googleSaveUrl.length).toBeLessThan(1800);
    const jwt = issued.googleSaveUrl.slice("https://pay.google.com/gp/v/save/".length);
    const { payload, protectedHeader } = await jwtVerify(jwt, createPublicKey(publicKeyPem), { audience: "google", issuer: email });
    expect(protectedHeader.alg).toBe("RS256");
    expect(payload).toMatchObject({ typ: "savetowallet", payload: { loyaltyObjects: [{ id: objectId }] } });
    expect(payload.origins).toEqual([expect.stringMatching(/^https?:\/\/[^/]+$/)]);

    // issuing again: the same pass, nothing inserted twice; pass link prints both links
    const seq = (await mock.received()).at(-1)!.seq;
    const again = await issue(tenant, "g1@example.com");
    expect(again).toMatchObject({ serialNumber: issued.serialNumber, created: false, googleObjectId: objectId });
    expect((await mock.received(seq)).filter((r) => r.account === email && r.method !== "GET" && r.resource !== "token")).toEqual([]);
    const link = await runCli(["pass", "link", "--tenant", tenant.slug, "--serial", issued.serialNumber, "--json"]);
    const links = JSON.parse(link.stdout) as { page: string; pkpass: string; googleSaveUrl: string };
    expect(links).toMatchObject({ pkpass: expect.stringContaining(".pkpass"), googleSaveUrl: expect.stringMatching(/^https:\/\/pay\.google\.com\/gp\/v\/save\//) });
    // the Add to Wallet page offers Google's button beside Apple's on Android, Apple's alone on an iPhone
    const page = (ua: string) => fetch(links.page, { headers: { "user-agent": ua } }).then((r) => r.text());
    const android = await page("Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36");
    expect(android).toContain('data-testid="save-to-google-wallet"');
    expect(android).toContain("https://pay.google.com/gp/v/save/");
    expect(android).toContain('data-testid="add-to-apple-wallet"');
    const iphone = await page("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Version/18.1 Mobile/15E148 Safari/604.1");
    expect(iphone).not.toContain("save-to-google-wallet");
    expect(iphone).toContain('data-testid="add-to-apple-wallet"');
    const show = JSON.parse((await runCli(["pass", "show", "--tenant", tenant.slug, "--serial", issued.serialNumber])).stdout) as { google: { objectId: string; state: string; saved: boolean } };
    expect(show.google).toMatchObject({ objectId, state: "ACTIVE", saved: false });
  });

  it("a pushUpdate PATCHes only what changed, points as a number; four alerting updates notify three times and the fourth silently", async () => {
    const { tenant, issuerId } = await googleTenant();
    const issued = await issue(tenant, "g2@example.com");
    const objectId = `${issuerId}.${issued.serialNumber}`;
    const seq = (await mock.received()).at(-1)!.seq;

    const first = await pushUpdate(tenant, "g2@example.com", { points: "1250" });
    let patches = await patchesOf(objectId, seq);
    expect(patches).toHaveLength(1);
    expect(Object.keys(patches[0]!.body as object).sort()).toEqual(["loyaltyPoints", "notifyPreference"]);
    expect((patches[0]!.body as { loyaltyPoints: { balance: { int: unknown } } }).loyaltyPoints.balance.int).toBe(1250);
    expect(first).toMatchObject({ notified: true, keys: ["loyaltyPoints"] });

    for (const points of ["1300", "1400", "1500"]) await pushUpdate(tenant, "g2@example.com", { points });
    patches = await patchesOf(objectId, seq);
    expect(patches.map((p) => p.status)).toEqual([200, 200, 200, 200]); // none failed
    expect(patches.map((p) => p.notify)).toEqual([true, true, true, false]);
    expect(patches.map((p) => (p.body as { loyaltyPoints: { balance: { int: number } } }).loyaltyPoints.balance.int)).toEqual([1250, 1300, 1400, 1500]);
    const pass = await db().pass.findUniqueOrThrow({ where: { serialNumber: issued.serialNumber } });
    const rows = await db().googleWalletPatch.findMany({ where: { passId: pass.id }, orderBy: { versionTag: "asc" } });
    expect(rows.map((r) => [r.notified, r.mutedReason])).toEqual([[true, null], [true, null], [true, null], [false, "google_daily_limit"]]);
    expect(((await mock.resource("loyaltyObject", objectId)) as { loyaltyPoints: { balance: { int: number } } }).loyaltyPoints.balance.int).toBe(1500);

    // a non-alerting change (memberName has no changeMessage): a text module, never notifying
    const seq2 = (await mock.received()).at(-1)!.seq;
    await pushUpdate(tenant, "g2@example.com", { memberName: "Jane" });
    const [text] = await patchesOf(objectId, seq2);
    expect(text).toMatchObject({ notify: false, status: 200 });
    expect((text!.body as { textModulesData: { id: string; body: string }[] }).textModulesData).toContainEqual(expect.objectContaining({ id: "memberName", header: "Member", body: "Jane" }));
  });

  it("an object written from a version an update replaced meanwhile is PATCHed to the newer version", async () => {
    const { tenant, issuerId } = await googleTenant();
    const issued = await issue(tenant, "g9@example.com");
    const objectId = `${issuerId}.${issued.serialNumber}`;
    const pass = await db().pass.findUniqueOrThrow({ where: { serialNumber: issued.serialNumber } });
    await db().googleWalletObject.delete({ where: { passId: pass.id } }); // as if never saved, so the link writes it again
    const issuer = googleIssuer(tenant)!;
    // while Google is being called with the object of the version read, an update commits a newer one
    const bump = () => db().$executeRaw`UPDATE "Pass" SET data = data || '{"points": 4242}'::jsonb, "versionTag" = nextval(pg_get_serial_sequence('"Pass"', 'versionTag')) WHERE id = ${pass.id}`;
    const racing = { ...issuer, client: { ...issuer.client, insert: async (...a: Parameters<typeof issuer.client.insert>) => (await bump(), issuer.client.insert(...a)), patch: async (...a: Parameters<typeof issuer.client.patch>) => (await bump(), issuer.client.patch(...a)) } };
    await ensureGoogleObject(racing, pass.id);
    const bumped = await db().pass.findUniqueOrThrow({ where: { id: pass.id } });
    const synced = await eventually(async () => {
      const row = await db().googleWalletObject.findUnique({ where: { passId: pass.id } });
      return row && row.versionTag === bumped.versionTag ? row : undefined;
    });
    expect(synced, "the object caught up with the update").toBeTruthy();
    expect(((await mock.resource("loyaltyObject", objectId)) as { loyaltyPoints: { balance: { int: number } } }).loyaltyPoints.balance.int).toBe(4242);
  });

  it("retries a 429 with back-off: one object state", async () => {
    const { tenant, issuerId } = await googleTenant();
    const issued = await issue(tenant, "g3@example.com");
    const objectId = `${issuerId}.${issued.serialNumber}`;
    const seq = (await mock.received()).at(-1)!.seq;
    await mock.behave({ failNext: { status: 429, count: 1, retryAfter: 1 } });
    const patch = await pushUpdate(tenant, "g3@example.com", { points: "77" });
    const patches = await patchesOf(objectId, seq);
    expect(patches.map((p) => p.status)).toEqual([429, 200]);
    expect(Date.parse(patches[1]!.at) - Date.parse(patches[0]!.at)).toBeGreaterThanOrEqual(900); // Retry-After 1 honoured
    expect(patch.status).toBe(200);
    expect(((await mock.resource("loyaltyObject", objectId)) as { loyaltyPoints: { balance: { int: number } } }).loyaltyPoints.balance.int).toBe(77);
    const object = await db().googleWalletObject.findUniqueOrThrow({ where: { objectId } });
    expect(object.state).toBe("ACTIVE");
  });

  it("a voided pass becomes INACTIVE; a tenant without an issuer is skipped", async () => {
    const { tenant, issuerId } = await googleTenant();
    const issued = await issue(tenant, "g4@example.com");
    const objectId = `${issuerId}.${issued.serialNumber}`;
    const [row] = await db().$queryRaw<{ id: string; versionTag: string }[]>`
      UPDATE "Pass" SET voided = true, "versionTag" = nextval(pg_get_serial_sequence('"Pass"', 'versionTag'))
       WHERE "serialNumber" = ${issued.serialNumber} RETURNING id, "versionTag"::text AS "versionTag"`;
    const run = (tenantId: string, versionTag: string) =>
      new InngestTestEngine({ function: googleSync, events: [googleObjectSyncRequested.create({ passId: row!.id, tenantId, versionTag, taskId: null, correlationId: "corr-google" })] }).execute();
    const { result, error } = await run(tenant.id, row!.versionTag);
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ patched: ["state"], notified: false, state: "INACTIVE" });
    expect(await mock.resource("loyaltyObject", objectId)).toMatchObject({ state: "INACTIVE" });
    // the same version again: idempotent
    expect((await run(tenant.id, row!.versionTag)).result).toEqual({ skipped: "already_synced" });
    const plain = await testTenant();
    expect((await run(plain.id, row!.versionTag)).result).toEqual({ skipped: "not_configured" });
  });

  it("a signed save callback marks the object saved and records INSTALLED once; tampered or expired ones are refused with 401", async () => {
    const { tenant, issuerId } = await googleTenant();
    const issued = await issue(tenant, "g5@example.com");
    const objectId = `${issuerId}.${issued.serialNumber}`;
    const pass = await db().pass.findUniqueOrThrow({ where: { serialNumber: issued.serialNumber } });
    const post = (body: unknown) => fetch(`${appUrl}/api/${tenant.slug}/google-wallet/callback`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const events = () => db().passEvent.findMany({ where: { passId: pass.id, platform: "GOOGLE" } });
    const base = { recipientId: issuerId, classId: `${issuerId}.basic`, objectId };

    // tampered: the signed message changed after signing
    const genuine = await mock.signCallback({ ...base, eventType: "save", nonce: `n-${pass.id}-t` });
    const tampered = { ...genuine, signedMessage: genuine.signedMessage.replace(objectId, `${issuerId}.someone-else`) };
    expect((await post(tampered)).status).toBe(401);
    // signed for another issuer (recipient)
    expect((await post(await mock.signCallback({ ...base, recipientId: "999999999", eventType: "save", nonce: `n-${pass.id}-r` }))).status).toBe(401);
    // expired
    const expired = await post(await mock.signCallback({ ...base, eventType: "save", nonce: `n-${pass.id}-e`, expTimeMillis: Date.now() - 1000 }));
    expect(expired.status).toBe(401);
    expect((await expired.json()) as { detail: string }).toMatchObject({ detail: "the message has expired" });
    // an intermediate key no root key signed
    expect((await post({ ...genuine, intermediateSigningKey: { ...genuine.intermediateSigningKey, signatures: [genuine.signature] } })).status).toBe(401);
    expect(await events()).toEqual([]);
    expect((await db().googleWalletObject.findUniqueOrThrow({ where: { passId: pass.id } })).saved).toBe(false);

    // valid, sent twice: recorded once
    const save = await mock.signCallback({ ...base, eventType: "save", nonce: `n-${pass.id}-1` });
    const r1 = await post(save);
    expect(r1.status).toBe(200);
    expect(await r1.json()).toEqual({ recorded: true });
    expect(await (await post(save)).json()).toEqual({ recorded: false });
    expect((await events()).map((e) => [e.kind, e.dedupeKey])).toEqual([["INSTALLED", `google:n-${pass.id}-1`]]);
    expect(await db().googleWalletObject.findUniqueOrThrow({ where: { passId: pass.id } })).toMatchObject({ saved: true });

    // delete
    expect((await post(await mock.signCallback({ ...base, eventType: "del", nonce: `n-${pass.id}-2` }))).status).toBe(200);
    expect((await events()).map((e) => e.kind).sort()).toEqual(["INSTALLED", "REMOVED"]);
    expect(await db().googleWalletObject.findUniqueOrThrow({ where: { passId: pass.id } })).toMatchObject({ saved: false });

    // the console: the pass page shows the object, saved, its state; the tenant page the issuer and class
    const staff = new TestBrowser(appUrl);
    const staffEmail = `${uniqueSlug("g-viewer")}@staff.example.com`;
    await createStaff({ email: staffEmail, role: "VIEWER", password: TEST_PASSWORD, actor: "test" });
    await staff.signIn(staffEmail, TEST_PASSWORD);
    const text = async (path: string) => {
      const res = await staff.fetch(path);
      expect(res.status).toBe(200);
      return (await res.text()).replace(/<!-- -->/g, "").replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
    };
    const passPage = await text(`/passes/${issued.serialNumber}`);
    expect(passPage).toContain(objectId);
    expect(passPage).toContain("ACTIVE");
    expect(passPage).toContain("removed"); // saved, then deleted
    expect(passPage).toContain("0 of 3");
    expect(await (await staff.fetch(`/passes/${issued.serialNumber}`)).text()).toContain('data-testid="google-preview"'); // beside Apple's
    const tenantPage = await text(`/tenants/${tenant.slug}`);
    expect(tenantPage).toContain(issuerId);
    expect(tenantPage).toContain(`${issuerId}.basic`);
    expect(tenantPage).toContain("UNDER_REVIEW");
    expect(tenantPage).toContain("PUBLIC_URL is a local address");

    // not a callback body: 400 naming the field
    const bad = await post({ protocolVersion: "ECv2SigningOnly" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe("signature");
  }, 180_000); // CLI processes, callbacks and console pages: over a minute on the embedded database under load

  it("a publication writes the published design to the class and PATCHes the objects of its passes", async () => {
    const { tenant, issuerId } = await googleTenant();
    const issued = await issue(tenant, "g6@example.com");
    const current = await showPassType(tenant.id, "basic");
    const fields = current.definition.fields.map((f) => (f.key === "tier" ? { ...f, label: "Level" } : f));
    await savePassTypeRevision({ tenant: tenant.id, key: "basic", definition: { ...current.definition, fields, backgroundColor: "rgb(0, 90, 40)", localizations: { fr: { strings: { [current.definition.organizationName]: "Test Durable" } } } }, actor: "test" });
    const r = await publishPassTypeRevision({ tenant: tenant.id, key: "basic", actor: "test", batchSize: 50, dispatch: false });
    const seq = (await mock.received()).at(-1)!.seq;
    const run = new InngestTestEngine({
      function: createPassTypePublish(createPushSender(recordingTransport())),
      events: [passTypePublishRequestedEvent({ publishId: r.publish!.id, tenantId: tenant.id, correlationId: r.publish!.correlationId })],
    });
    const { error } = await run.execute();
    expect(error).toBeUndefined();
    const classCalls = (await mock.received(seq)).filter((c) => c.resource === "loyaltyClass").map((c) => `${c.method} ${c.status}`);
    expect(classCalls).toEqual(["POST 409", "PATCH 200"]); // it existed: PATCHed
    const cls = await mock.resource("loyaltyClass", `${issuerId}.basic`);
    expect(cls).toMatchObject({
      hexBackgroundColor: "#005a28",
      localizedIssuerName: { defaultValue: { language: "en", value: "Durable Test" }, translatedValues: [{ language: "fr", value: "Test Durable" }] },
    });
    const row = await db().googleWalletClass.findFirstOrThrow({ where: { tenantId: tenant.id } });
    expect(row).toMatchObject({ classId: `${issuerId}.basic`, revision: r.revision, lastError: null, reviewStatus: "UNDER_REVIEW" });
    // the pass's object gets the new label through google-sync (a publication sends no pass.changed)
    const objectId = issued.googleObjectId;
    const patched = await eventually(async () => (await patchesOf(objectId, seq)).filter((p) => p.status === 200).length > 0, 20_000);
    expect(patched).toBe(true);
    expect((await patchesOf(objectId, seq)).filter((p) => p.status === 200)).toHaveLength(1);
    const object = (await mock.resource("loyaltyObject", objectId)) as { textModulesData: { header: string }[] };
    expect(object.textModulesData.map((m) => m.header)).toContain("Level");
  });

  it("the console sets the issuer and its key (write-only) and tests the connection: ok, then the problem once Google no longer knows the key", async () => {
    const tenant = await testTenant();
    const issuerId = `33881000${Date.now() % 1_000_000_000}${issuerSeq++}`;
    const sa = generateServiceAccount(`sa-console-${tenant.slug}@passflow-test.iam.gserviceaccount.com`);
    await mock.registerServiceAccount(sa.email, sa.publicKeyPem, [issuerId]);
    const operator = await createStaff({ email: `${uniqueSlug("g-operator")}@staff.example.com`, role: "OPERATOR", password: TEST_PASSWORD, actor: "test" });
    const caller = createCaller(createInnerContext({ staff: { id: operator.id, email: operator.email, name: operator.name, role: "OPERATOR" } }));
    const settings = await caller.tenants.updateIntegration({ tenant: tenant.slug, googleIssuerId: issuerId, googleServiceAccount: sa.keyJson });
    expect(settings).toMatchObject({ googleIssuerId: issuerId, googleServiceAccountSet: true });
    expect(JSON.stringify(settings)).not.toContain("PRIVATE KEY");
    expect((await db().tenant.findUniqueOrThrow({ where: { id: tenant.id } })).googleServiceAccountEncrypted).toMatch(/^v1\./);
    expect(await caller.tenants.testGoogleConnection({ tenant: tenant.slug })).toEqual({ ok: true, problem: null, serviceAccountEmail: sa.email, issuerId });
    // a key that is no longer the service account's: the problem in words
    const other = generateServiceAccount(sa.email);
    await caller.tenants.updateIntegration({ tenant: tenant.slug, googleServiceAccount: other.keyJson });
    const failed = await caller.tenants.testGoogleConnection({ tenant: tenant.slug });
    expect(failed).toMatchObject({ ok: false, problem: expect.stringContaining("refused the service account key") });
    // a blank issuer removes the issuer and its key
    expect(await caller.tenants.updateIntegration({ tenant: tenant.slug, googleIssuerId: null })).toMatchObject({ googleIssuerId: null, googleServiceAccountSet: false });
    expect(await caller.tenants.testGoogleConnection({ tenant: tenant.slug })).toBeNull();
  });

  it("tenant google-check: ok for a known service account; a key Google does not know, or an issuer it may not use, is a problem", async () => {
    const { tenant } = await googleTenant();
    const ok = await runCli(["tenant", "google-check", tenant.slug]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^ok: sa-.*can use issuer \d+/);
    // another issuer id than the one the service account is a user of
    await runCli(["tenant", "update", tenant.slug, "--google-issuer-id", "3388000000077777"]);
    const mismatch = await runCli(["tenant", "google-check", tenant.slug, "--json"]);
    expect(mismatch.code).toBe(1);
    expect(JSON.parse(mismatch.stdout)).toMatchObject({ ok: false, problem: expect.stringContaining("not allowed for issuer 3388000000077777") });
    // a key the mock was never told about
    await runCli(["tenant", "update", tenant.slug, "--google-service-account-stdin"], { input: generateServiceAccount("unknown@passflow-test.iam.gserviceaccount.com").keyJson });
    const badKey = await runCli(["tenant", "google-check", tenant.slug]);
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toContain("Google refused the service account key");
  });

  it("refuses a service account key that is not one, naming the field, and keeps nothing", async () => {
    const tenant = await testTenant();
    const r = await runCli(["tenant", "update", tenant.slug, "--google-issuer-id", "3388000000099", "--google-service-account-stdin"], { input: '{"type":"user"}' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("googleServiceAccount");
    expect((await db().tenant.findUniqueOrThrow({ where: { id: tenant.id } })).googleIssuerId).toBeNull();
  });
});

export type { ReceivedRequest };
