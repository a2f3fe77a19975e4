/**
 * The Klaviyo API client against the Klaviyo API mock over real HTTP (the contract the mock
 * checks: key, revision, scopes, JSON:API shapes, errors), the tenant's private API key as the
 * CLI sets it and the console shows it, and "test connection".
 */
import { randomBytes } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { db } from "@/server/db/client";
import { decryptSecret } from "@/server/platform/crypto";
import { FinalTaskError, RetriableTaskError } from "@/server/platform/errors";
import { getTenantDetail } from "@/server/console/tenants";
import { updateTenantSettings } from "@/server/tenants/tenants";
import { klaviyoMockControl } from "@/server/tooling/mocks/klaviyo";
import { runCli } from "@/server/tooling/testing/cli";
import { testTenant } from "@/server/tooling/testing/tasks";
import { createKlaviyoEvent, importKlaviyoProfile, klaviyoPost, testKlaviyoKey } from "./api";
import { testTenantKlaviyoKey } from "./outbound";

const { url, controlUrl } = inject("klaviyoMock");
const mock = klaviyoMockControl(controlUrl);
const newKey = () => `pk_test_${randomBytes(12).toString("hex")}`;

const event = (email: string, uniqueId: string) => ({ metric: "Pass Issued", profile: { email }, properties: { serial_number: "S-1" }, time: "2026-12-01T10:00:00.000Z", uniqueId });

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a rejection");
}

describe("Klaviyo API client and mock", () => {
  it("creates events (202, a repeated unique_id is not counted) and imports profiles (201 then 200, properties merged)", async () => {
    const key = newKey();
    await mock.addKey(key);
    const email = `client-${randomBytes(4).toString("hex")}@example.com`;
    expect(await createKlaviyoEvent(key, event(email, "ev-1"))).toEqual({ status: 202 });
    expect(await createKlaviyoEvent(key, event(email, "ev-1"))).toEqual({ status: 202 });
    const received = await mock.received({ key, path: "/api/events" });
    expect(received.map((r) => [r.status, r.uniqueId, r.duplicate])).toEqual([[202, "ev-1", false], [202, "ev-1", true]]);

    const first = await importKlaviyoProfile(key, { email, external_id: "C-1" }, { passflow_basic_state: "issued" });
    expect(first).toMatchObject({ status: 201, profileId: expect.stringMatching(/^01MOCK/) });
    const second = await importKlaviyoProfile(key, { id: first.profileId! }, { passflow_basic_state: "installed", passflow_basic_serial_number: "S-1" });
    expect(second).toEqual({ status: 200, profileId: first.profileId });
    const profile = (await mock.profiles()).find((p) => p.id === first.profileId);
    expect(profile).toMatchObject({ email, external_id: "C-1", properties: { passflow_basic_state: "installed", passflow_basic_serial_number: "S-1" } });
  });

  it("answers like Klaviyo: 401 for an unknown key, 400 without revision, 403 without the scope, 400 naming the field for a bad body", async () => {
    const key = newKey();
    await mock.addKey(key, ["events:write"]);
    const post = (headers: Record<string, string>, body: unknown, path = "/api/events") =>
      fetch(`${url}${path}`, { method: "POST", headers: { "content-type": "application/vnd.api+json", ...headers }, body: JSON.stringify(body) });
    const auth = { authorization: `Klaviyo-API-Key ${key}`, revision: "2026-10-15" };

    const unknown = await post({ ...auth, authorization: "Klaviyo-API-Key pk_nobody_knows_this" }, {});
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ errors: [{ status: 401, code: "not_authenticated", detail: "Missing or invalid private key.", id: expect.any(String), title: expect.any(String), source: expect.any(Object) }] });
    const noRevision = await post({ authorization: auth.authorization }, {});
    expect(noRevision.status).toBe(400);
    expect(await noRevision.json()).toMatchObject({ errors: [{ code: "invalid", source: { pointer: "/headers/revision" } }] });
    const noScope = await post(auth, {}, "/api/profile-import");
    expect(noScope.status).toBe(403);
    expect(await noScope.json()).toMatchObject({ errors: [{ code: "permission_denied", detail: expect.stringContaining("profiles:write") }] });
    const noMetric = await post(auth, { data: { type: "event", attributes: { properties: {}, profile: { data: { type: "profile", attributes: { email: "a@example.com" } } } } } });
    expect(noMetric.status).toBe(400);
    expect(await noMetric.json()).toMatchObject({ errors: [{ code: "invalid", source: { pointer: "/data/attributes/metric" } }] });

    // the client's classification of the same answers
    const rejected = await rejection(klaviyoPost(key, "/api/events", { data: { type: "event", attributes: {} } }));
    expect(rejected).toBeInstanceOf(FinalTaskError);
    expect(rejected).toMatchObject({ code: "klaviyo_rejected", message: expect.stringContaining("HTTP 400 invalid") });
    const badKey = await rejection(createKlaviyoEvent("pk_nobody_knows_this", event("a@example.com", "x")));
    expect(badKey).toMatchObject({ code: "klaviyo_key_rejected", message: expect.stringContaining("HTTP 401 not_authenticated") });
  });

  it("turns a 429 into a retriable error with its Retry-After, and a 5xx into a retriable one", async () => {
    const key = newKey();
    await mock.addKey(key);
    await mock.behave({ status: 429, count: 1, retryAfterSeconds: 7, key });
    const throttled = await rejection(createKlaviyoEvent(key, event("t@example.com", "t-1")));
    expect(throttled).toBeInstanceOf(RetriableTaskError);
    expect(throttled).toMatchObject({ code: "klaviyo_throttled", retryAfterSeconds: 7 });
    await mock.behave({ status: 502, count: 1, key });
    expect(await rejection(createKlaviyoEvent(key, event("t@example.com", "t-2")))).toMatchObject({ code: "klaviyo_unavailable", message: expect.stringContaining("HTTP 502") });
    expect(await createKlaviyoEvent(key, event("t@example.com", "t-3"))).toEqual({ status: 202 });
  });

  it("tests a key without writing anything: valid, unknown, missing a scope", async () => {
    const key = newKey();
    await mock.addKey(key);
    const eventsOnly = newKey();
    await mock.addKey(eventsOnly, ["events:write"]);
    expect(await testKlaviyoKey(key)).toEqual({ ok: true });
    expect(await testKlaviyoKey(eventsOnly)).toEqual({ ok: false, reason: "the key lacks scope profiles:write (Klaviyo answered 403)" });
    expect(await testKlaviyoKey("pk_nobody_knows_this")).toEqual({ ok: false, reason: "Klaviyo does not know this private API key (401)" });
    expect((await mock.received({ key })).every((r) => r.status >= 400)).toBe(true); // nothing was accepted
  });

  it("the CLI stores the key from stdin encrypted; settings and the console show only its ending; test connection uses it", async () => {
    const tenant = await testTenant();
    expect(await testTenantKlaviyoKey(tenant.slug)).toEqual({ ok: false, reason: "no Klaviyo private API key is set" });
    const key = newKey();
    await mock.addKey(key);
    const set = await runCli(["tenant", "update", tenant.slug, "--klaviyo-api-key-stdin", "--json"], { input: `${key}\n` });
    expect(set.stderr).toBe("");
    expect(set.code).toBe(0);
    expect(set.stdout).not.toContain(key);
    expect(JSON.parse(set.stdout)).toMatchObject({ klaviyoApiKeySet: true, klaviyoApiKeyEnding: key.slice(-4) });
    const row = await db().tenant.findUniqueOrThrow({ where: { id: tenant.id } });
    expect(row.klaviyoApiKeyEncrypted).not.toContain(key);
    expect(decryptSecret(row.klaviyoApiKeyEncrypted!)).toBe(key);
    const detail = await getTenantDetail(tenant.slug);
    expect(detail.integration.klaviyoApiKeyEnding).toBe(key.slice(-4));
    expect(JSON.stringify(detail)).not.toContain(key);
    expect(await testTenantKlaviyoKey(tenant.slug)).toEqual({ ok: true });

    const bad = await runCli(["tenant", "update", tenant.slug, "--klaviyo-api-key-stdin"], { input: "not-a-key" });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/klaviyoApiKey must be a Klaviyo private API key/);
    const removed = await runCli(["tenant", "update", tenant.slug, "--no-klaviyo-api-key", "--json"]);
    expect(JSON.parse(removed.stdout)).toMatchObject({ klaviyoApiKeySet: false, klaviyoApiKeyEnding: null });
    await updateTenantSettings(tenant.id, { klaviyoApiKey: key }, "test");
    expect((await getTenantDetail(tenant.slug)).integration.klaviyoApiKeyEnding).toBe(key.slice(-4));
  });
});
