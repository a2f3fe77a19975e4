import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { issuePass } from "@/server/passes/passes";
import { showPassType } from "@/server/passes/revisions";
import { runCli } from "@/server/tooling/testing/cli";
import { checkPkpass } from "@/server/tooling/testing/pkpass-check";
import { MODEL_PASS_JSON, MODEL_STRINGS, modelImages, solidPng, writeModelFolder } from "@/server/tooling/testing/pass-design";
import { testTenant } from "@/server/tooling/testing/tasks";
import { findPassFile, pkpassFile } from "./pass-file";
import { parsePassStrings } from "./pass-strings";

const dirs: string[] = [];
function tmp(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "pass-design-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function cliJson<T>(args: string[]): Promise<T> {
  const r = await runCli([...args, "--json"]);
  expect(r.stderr, args.join(" ")).toBe("");
  expect(r.code, args.join(" ")).toBe(0);
  return JSON.parse(r.stdout) as T;
}

async function downloaded(serialNumber: string, tenant: string) {
  const pass = (await findPassFile({ serialNumber, tenant }))!;
  const { body } = await pkpassFile(pass); // makes the development certificate on first use
  const wwdr = (await db().walletCertificate.findFirstOrThrow({ where: { tenantId: pass.tenantId } })).wwdrPem;
  return { pass, check: checkPkpass(body, wwdr) };
}

describe("pass design: import a model folder, build, export, publish", () => {
  it("a model folder imported with the CLI builds passes whose pass.json, images and .lproj strings match the model", async () => {
    const tenant = await testTenant({ customIdentifierKeys: ["loyaltyNumber"] });
    const from = writeModelFolder(tmp());
    const imported = await cliJson<{ key: string; revision: number; passTypeCreated: boolean; published: boolean; warnings: unknown[] }>(
      ["passtype", "import", "--tenant", tenant.slug, "--key", "lumiere", "--from", from, "--name", "Café Lumière"],
    );
    expect(imported).toMatchObject({ key: "lumiere", revision: 1, passTypeCreated: true, published: true });
    expect(imported.warnings).toEqual([]);

    const { serialNumber } = await issuePass({ tenant: tenant.slug, passType: "lumiere", identifiers: { email: "ines@example.com", customerId: "C-77", loyaltyNumber: "LN-1234" }, data: { points: 320 } });
    const { pass, check } = await downloaded(serialNumber, tenant.slug);
    expect(check.signatureError).toBeUndefined();
    expect(check.manifestProblems).toEqual([]);
    const modelCard = MODEL_PASS_JSON.storeCard;
    const modelTop = Object.fromEntries(Object.entries(MODEL_PASS_JSON).filter(([k]) => !["passTypeIdentifier", "teamIdentifier", "storeCard", "barcodes"].includes(k)));
    expect(check.passJson).toMatchObject({ ...modelTop, serialNumber, passTypeIdentifier: `pass.dev.passflow.${tenant.slug}` });
    expect(check.passJson.barcodes).toEqual([{ format: "PKBarcodeFormatPDF417", message: "LUM-LN-1234", altText: "C-77", messageEncoding: "iso-8859-1" }]);
    const card = check.passJson.storeCard as Record<string, unknown[]>;
    expect(card.headerFields).toEqual(modelCard.headerFields);
    expect(card.primaryFields).toEqual([{ ...modelCard.primaryFields[0], value: 320 }]);
    expect(card.secondaryFields).toEqual([{ ...modelCard.secondaryFields[0], value: "Member" }]); // issuePass's tier
    expect(card.auxiliaryFields).toBeUndefined(); // nextVisit: no value, no default (an empty slot is left out)
    expect(card.backFields).toEqual(modelCard.backFields);
    for (const [name, bytes] of Object.entries(modelImages())) expect(check.files.get(name)!.equals(bytes), name).toBe(true);
    expect(check.files.get("fr.lproj/logo.png")!.equals(solidPng(100, 40, [255, 0, 0]))).toBe(true);
    for (const lang of ["en", "fr"] as const) {
      expect([...check.files.get(`${lang}.lproj/pass.strings`)!.subarray(0, 2)]).toEqual([0xff, 0xfe]);
      expect(parsePassStrings(check.files.get(`${lang}.lproj/pass.strings`)!)).toEqual(MODEL_STRINGS[lang]);
    }
    // the same version is served from the build cache
    expect((await pkpassFile(pass)).cached).toBe(true);

    // the downloaded .pkpass imports as a pass type of its own: its pass.json the template, its values the defaults
    const file = path.join(tmp(), "lumiere.pkpass");
    writeFileSync(file, (await pkpassFile(pass)).body);
    const fromPkpass = await cliJson<{ key: string; passTypeCreated: boolean }>(["passtype", "import", "--tenant", tenant.slug, "--key", "from-pkpass", "--from", file]);
    expect(fromPkpass).toMatchObject({ key: "from-pkpass", passTypeCreated: true });
    const copied = await cliJson<{ definition: { fields: { key: string; default?: unknown }[] } }>(["passtype", "show", "--tenant", tenant.slug, "--key", "from-pkpass"]);
    expect(copied.definition.fields.find((f) => f.key === "points")?.default).toBe(320);

    // export, then import the export as another pass type: pass.json byte for byte
    const out1 = path.join(tmp(), "lumiere");
    const exported = await cliJson<{ revision: number; files: string[] }>(["passtype", "export", "--tenant", tenant.slug, "--key", "lumiere", "--to", out1]);
    expect(exported.files).toEqual(expect.arrayContaining(["pass.json", "icon.png", "en.lproj/pass.strings", "fr.lproj/pass.strings", "fr.lproj/logo@2x.png"]));
    await cliJson(["passtype", "import", "--tenant", tenant.slug, "--key", "lumiere-copy", "--from", out1]);
    const out2 = path.join(tmp(), "copy");
    await cliJson(["passtype", "export", "--tenant", tenant.slug, "--key", "lumiere-copy", "--to", out2]);
    expect(readFileSync(path.join(out2, "pass.json")).equals(readFileSync(path.join(out1, "pass.json")))).toBe(true);
    const [a, b] = await Promise.all([showPassType(tenant.slug, "lumiere"), showPassType(tenant.slug, "lumiere-copy")]);
    expect(b.definition).toEqual(a.definition);

    const listed = await cliJson<{ key: string; publishedRevision: number; livePasses: number }[]>(["passtype", "list", "--tenant", tenant.slug]);
    expect(listed.map((t) => [t.key, t.publishedRevision, t.livePasses])).toEqual([["basic", 1, 0], ["from-pkpass", 1, 0], ["lumiere", 1, 1], ["lumiere-copy", 1, 0], ["premium", 1, 0]]);
  }, 180_000);

  it("a saved change is a new unpublished revision; publishing it rebuilds and pushes every live pass", async () => {
    const tenant = await testTenant({ customIdentifierKeys: ["loyaltyNumber"] });
    const from = writeModelFolder(tmp());
    await cliJson(["passtype", "import", "--tenant", tenant.slug, "--key", "lumiere", "--from", from]);
    const { serialNumber } = await issuePass({ tenant: tenant.slug, passType: "lumiere", identifiers: { email: "a@example.com", loyaltyNumber: "LN-1" } });
    const other = await issuePass({ tenant: tenant.slug, passType: "lumiere", identifiers: { email: "b@example.com", loyaltyNumber: "LN-2" } });
    const before = await db().pass.findUniqueOrThrow({ where: { serialNumber } });

    // the same model again changes nothing
    const again = await runCli(["passtype", "import", "--tenant", tenant.slug, "--key", "lumiere", "--from", from]);
    expect(again.stdout).toBe("lumiere unchanged (revision 1 has this definition)\n");

    writeFileSync(path.join(from, "pass.json"), JSON.stringify({ ...MODEL_PASS_JSON, backgroundColor: "rgb(0, 60, 30)" }, null, 2));
    const saved = await cliJson<{ revision: number; published: boolean; changes: string[] }>(["passtype", "import", "--tenant", tenant.slug, "--key", "lumiere", "--from", from, "--message", "green"]);
    expect(saved).toMatchObject({ revision: 2, published: false, changes: ["backgroundColor"] });
    // unpublished: passes still build from revision 1
    expect((await downloaded(serialNumber, tenant.slug)).check.passJson.backgroundColor).toBe("rgb(40, 20, 10)");
    const preview = await cliJson<{ revision: number; publishedRevision: number; definition: { backgroundColor: string }; revisions: { number: number; actor: string; message: string; changes: string[]; published: boolean }[] }>(
      ["passtype", "show", "--tenant", tenant.slug, "--key", "lumiere", "--revision", "2"],
    );
    expect(preview).toMatchObject({ revision: 2, publishedRevision: 1, definition: { backgroundColor: "rgb(0, 60, 30)" } });
    expect(preview.revisions.map((r) => [r.number, r.actor, r.message, r.changes, r.published])).toEqual([
      [1, "cli", "imported from " + path.basename(from), expect.arrayContaining(["fields", "images", "style"]), true],
      [2, "cli", "green", ["backgroundColor"], false],
    ]);

    // --wait: the app's pass-type-publish function gives the passes their version and pushes them
    const published = await cliJson<{ revision: number; previousRevision: number; changed: boolean; passes: number; publish: Record<string, unknown> }>(
      ["passtype", "publish", "--tenant", tenant.slug, "--key", "lumiere", "--message", "autumn", "--wait"],
    );
    expect(published).toMatchObject({ revision: 2, previousRevision: 1, changed: true, passes: 2 });
    expect(published.publish).toMatchObject({ status: "SUCCEEDED", total: 2, done: 2, percent: 100, message: "autumn", actor: "cli" });
    const status = await cliJson<{ status: string; done: number; total: number }>(["passtype", "publish-status", "--tenant", tenant.slug, "--key", "lumiere"]);
    expect(status).toMatchObject({ status: "SUCCEEDED", done: 2, total: 2, revision: 2 });
    const after = await db().pass.findUniqueOrThrow({ where: { serialNumber }, include: { changes: true } });
    expect(after.versionTag).toBeGreaterThan(before.versionTag);
    expect(after.metadata).toMatchObject({ backgroundColor: "rgb(0, 60, 30)", layout: { primaryFields: ["points"], secondaryFields: ["tier"] } });
    expect(after.changes.map((c) => c.changes)).toContainEqual({ passTypeRevision: { before: 1, after: 2 } });
    expect((await downloaded(serialNumber, tenant.slug)).check.passJson.backgroundColor).toBe("rgb(0, 60, 30)");
    expect((await downloaded(other.serialNumber, tenant.slug)).check.passJson.backgroundColor).toBe("rgb(0, 60, 30)");
    const audit = await db().auditLog.findFirstOrThrow({ where: { tenantId: tenant.id, action: "passtype.publish" } });
    expect(audit.details).toMatchObject({ key: "lumiere", revision: 2, previousRevision: 1, passes: 2, message: "autumn" });

    const twice = await runCli(["passtype", "publish", "--tenant", tenant.slug, "--key", "lumiere"]);
    expect(twice.stdout).toBe("lumiere revision 2 is already published\n");
    // publishing an older revision is a rollback, the same way
    expect(await cliJson(["passtype", "publish", "--tenant", tenant.slug, "--key", "lumiere", "--revision", "1", "--wait"])).toMatchObject({ revision: 1, passes: 2, publish: { status: "SUCCEEDED", done: 2 } });
    expect((await downloaded(serialNumber, tenant.slug)).check.passJson.backgroundColor).toBe("rgb(40, 20, 10)");
  }, 180_000);

  it("refuses a bad model with each failing path named, storing nothing", async () => {
    const tenant = await testTenant();
    const bad = structuredClone(MODEL_PASS_JSON) as Record<string, unknown> & typeof MODEL_PASS_JSON;
    bad.storeCard.secondaryFields.push({ key: "points", label: "Points again", value: "1", changeMessage: "%@" });
    bad.foregroundColor = "white";
    const from = writeModelFolder(tmp(), bad);
    rmSync(path.join(from, "icon.png"));
    rmSync(path.join(from, "icon@2x.png"));
    rmSync(path.join(from, "icon@3x.png"));
    const r = await runCli(["passtype", "import", "--tenant", tenant.slug, "--key", "broken", "--from", from]);
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: invalid pass type definition: foregroundColor: must be a CSS-style rgb/);
    const fixed = { ...bad, foregroundColor: "rgb(255, 255, 255)" };
    writeFileSync(path.join(from, "pass.json"), JSON.stringify(fixed));
    const r2 = await runCli(["passtype", "import", "--tenant", tenant.slug, "--key", "broken", "--from", from]);
    expect(r2.stderr).toMatch(/fields\[3\]\.key: duplicate key "points" \(also fields\[1\]\.key\)/);
    expect(r2.stderr).toMatch(/images\.icon\.png: an icon is required/);
    expect(await db().passType.count({ where: { tenantId: tenant.id } })).toBe(2);
    const pkpass = path.join(from, "old.pkpass");
    writeFileSync(pkpass, "PK");
    expect((await runCli(["passtype", "import", "--tenant", tenant.slug, "--key", "x", "--from", pkpass])).stderr).toMatch(/old\.pkpass is not a \.pkpass \(zip archive\)/);
    expect((await runCli(["passtype", "show", "--tenant", tenant.slug, "--key", "nope"])).stderr).toBe(`error: tenant ${tenant.slug} has no pass type "nope"\n`);
  }, 180_000);

  it("starter pass types have their revision 1; a pass type row without revisions gets one on first read", async () => {
    const tenant = await testTenant();
    const basic = await showPassType(tenant.slug, "basic");
    expect(basic).toMatchObject({ revision: 1, publishedRevision: 1, latestRevision: 1 });
    expect(basic.revisions).toEqual([expect.objectContaining({ number: 1, actor: "test", published: true })]);
    const row = await db().passType.findFirstOrThrow({ where: { tenantId: tenant.id, key: "premium" } });
    const bare = await db().passType.create({
      data: { tenantId: tenant.id, key: "legacy", name: "Legacy", style: row.style, passTypeIdentifier: row.passTypeIdentifier, teamIdentifier: row.teamIdentifier, template: row.template!, images: row.images!, fields: row.fields! },
    });
    const shown = await showPassType(tenant.slug, "legacy");
    expect(shown).toMatchObject({ revision: 1, publishedRevision: 1, revisions: [{ number: 1, actor: "system" }] });
    expect(shown.definition.fields).toEqual(row.fields);
    expect((await db().passType.findUniqueOrThrow({ where: { id: bare.id } })).updatedAt).toEqual(bare.updatedAt); // the build cache key stays
  });
});
