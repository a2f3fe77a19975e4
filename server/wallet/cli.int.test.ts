import { X509Certificate } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import forge from "node-forge";
import { describe, expect, it, inject } from "vitest";
import { db } from "../db/client";
import { runCli } from "@/server/tooling/testing/cli";
import { generateDevelopmentChain } from "./dev-certificates";
import { checkPkpass } from "@/server/tooling/testing/pkpass-check";
import { SimulatedDevice } from "@/server/tooling/testing/wallet-device";
import { tenantWithPasses } from "@/server/tooling/testing/wallet-fixtures";

const appUrl = inject("appUrl");

describe("cli: pass link", () => {
  it("prints the page link and a signed link that downloads the pass; a tampered or expired link does not", async () => {
    const [pass] = await tenantWithPasses();
    const r = await runCli(["pass", "link", "--tenant", pass!.tenant, "--serial", pass!.serialNumber], { env: { PUBLIC_URL: appUrl } });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const [page, url, ...rest] = r.stdout.trim().split("\n");
    expect(rest).toEqual([]);
    expect(page).toMatch(new RegExp(`^${appUrl}/p/${pass!.tenant}/${pass!.serialNumber}\\?expires=\\d+&signature=[\\w-]+$`));
    expect(url).toMatch(new RegExp(`^${appUrl}/api/${pass!.tenant}/passes/${pass!.serialNumber}\\.pkpass\\?expires=\\d+&signature=[\\w-]+$`));
    const res = await fetch(url!);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/vnd.apple.pkpass");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${pass!.serialNumber}.pkpass"`);
    const wwdr = (await db().walletCertificate.findFirstOrThrow({ where: { tenantId: pass!.tenantId } })).wwdrPem;
    expect(checkPkpass(Buffer.from(await res.arrayBuffer()), wwdr).passJson.serialNumber).toBe(pass!.serialNumber);

    const tampered = url!.replace(/signature=(.)/, (_m, c: string) => `signature=${c === "A" ? "B" : "A"}`);
    expect((await fetch(tampered)).status).toBe(401);
    expect((await fetch(url!.replace(/expires=\d+/, (m) => `expires=${Number(m.slice(8)) + 60}`))).status).toBe(401);
    expect((await fetch(url!.split("?")[0]!)).status).toBe(401);

    const short = await runCli(["pass", "link", "--tenant", pass!.tenant, "--serial", pass!.serialNumber, "--ttl", "1", "--json"], { env: { PUBLIC_URL: appUrl } });
    const { page: shortPage, pkpass: shortUrl, expiresAt } = JSON.parse(short.stdout) as { page: string; pkpass: string; expiresAt: string };
    expect(new URL(shortPage).searchParams.get("expires")).toBe(new URL(shortUrl).searchParams.get("expires"));
    await new Promise((r) => setTimeout(r, Date.parse(expiresAt) - Date.now() + 1100));
    const expired = await fetch(shortUrl);
    expect(expired.status).toBe(410);
    expect(expired.headers.get("content-type")).toBe("application/problem+json");

    const unknown = await runCli(["pass", "link", "--tenant", pass!.tenant, "--serial", "nope"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/has no pass "nope"/);
    expect((await runCli(["pass", "link", "--tenant", pass!.tenant, "--serial", pass!.serialNumber, "--ttl", "0"])).stderr).toMatch(/ttl must be/);
  }, 180_000);

  it("makes links that live the tenant's passLinkTtlDays (tenant update --pass-link-ttl-days)", async () => {
    const [pass] = await tenantWithPasses();
    const set = await runCli(["tenant", "update", pass!.tenant, "--pass-link-ttl-days", "30", "--json"]);
    expect(JSON.parse(set.stdout)).toMatchObject({ passLinkTtlDays: 30 });
    const { expiresAt } = JSON.parse((await runCli(["pass", "link", "--tenant", pass!.tenant, "--serial", pass!.serialNumber, "--json"])).stdout) as { expiresAt: string };
    expect(Math.round((Date.parse(expiresAt) - Date.now()) / 86400_000)).toBe(30);
    const refused = await runCli(["tenant", "update", pass!.tenant, "--pass-link-ttl-days", "367"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/passLinkTtlDays/);
  });
});

function files(chain: ReturnType<typeof generateDevelopmentChain>, passphrase: string) {
  const dir = mkdtempSync(path.join(tmpdir(), "passflow-cert-"));
  const key = forge.pki.privateKeyFromPem(chain.privateKeyPem);
  const write = (name: string, data: string | Buffer) => {
    writeFileSync(path.join(dir, name), data);
    return path.join(dir, name);
  };
  const p12 = forge.pkcs12.toPkcs12Asn1(key, [forge.pki.certificateFromPem(chain.certificatePem), forge.pki.certificateFromPem(chain.wwdrPem)], passphrase, { algorithm: "3des" });
  return {
    cert: write("pass.pem", chain.certificatePem),
    key: write("pass.key.pem", forge.pki.encryptRsaPrivateKey(key, passphrase, { algorithm: "aes256" })),
    wwdr: write("wwdr.pem", chain.wwdrPem),
    p12: write("pass.p12", Buffer.from(forge.asn1.toDer(p12).getBytes(), "binary")),
  };
}

describe("cli: cert import", () => {
  it("imports a PEM certificate with an encrypted key, stores the key encrypted and signs passes with it", async () => {
    const [pass] = await tenantWithPasses();
    const chain = generateDevelopmentChain(`pass.com.acme.${pass!.tenant}`, "ACME123456");
    const f = files(chain, "s3cret pass");
    const r = await runCli(["cert", "import", "--tenant", pass!.tenant, "--cert", f.cert, "--key", f.key, "--wwdr", f.wwdr, "--passphrase-stdin", "--json"], { input: "s3cret pass\n" });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toMatchObject({ passTypeIdentifier: `pass.com.acme.${pass!.tenant}`, teamIdentifier: "ACME123456", passTypes: ["basic", "premium"] });

    const stored = await db().walletCertificate.findUniqueOrThrow({ where: { tenantId_passTypeIdentifier: { tenantId: pass!.tenantId, passTypeIdentifier: `pass.com.acme.${pass!.tenant}` } } });
    expect(stored.development).toBe(false);
    expect(stored.privateKeyEncrypted).toMatch(/^v1\./);
    expect(stored.privateKeyEncrypted).not.toContain("PRIVATE KEY");
    const types = await db().passType.findMany({ where: { tenantId: pass!.tenantId } });
    expect(types.map((t) => [t.passTypeIdentifier, t.teamIdentifier])).toEqual(types.map(() => [`pass.com.acme.${pass!.tenant}`, "ACME123456"]));

    const res = await new SimulatedDevice(appUrl, pass!.tenant).download({ ...pass!, passTypeIdentifier: `pass.com.acme.${pass!.tenant}` });
    expect(res.status).toBe(200);
    const check = checkPkpass(Buffer.from(await res.arrayBuffer()), chain.wwdrPem);
    expect(check.signatureError).toBeUndefined();
    expect(new X509Certificate(check.signerPem!).fingerprint256).toBe(new X509Certificate(chain.certificatePem).fingerprint256);
    expect(check.passJson).toMatchObject({ passTypeIdentifier: `pass.com.acme.${pass!.tenant}`, teamIdentifier: "ACME123456" });

    const list = await runCli(["cert", "list", "--tenant", pass!.tenant, "--json"]);
    expect(JSON.parse(list.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ passTypeIdentifier: `pass.com.acme.${pass!.tenant}`, development: false })]));
  }, 180_000);

  it("imports a .p12 that carries the WWDR, for one pass type", async () => {
    const [pass] = await tenantWithPasses();
    const chain = generateDevelopmentChain("pass.com.acme.premium", "ACME123456");
    const f = files(chain, "p12 pass");
    const r = await runCli(["cert", "import", "--tenant", pass!.tenant, "--p12", f.p12, "--pass-type", "premium", "--passphrase-stdin"], { input: "p12 pass" });
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^imported pass\.com\.acme\.premium \(team ACME123456, expires .+\) for premium\n$/);
    const types = await db().passType.findMany({ where: { tenantId: pass!.tenantId }, orderBy: { key: "asc" } });
    expect(types.map((t) => t.passTypeIdentifier)).toEqual([`pass.dev.passflow.${pass!.tenant}`, "pass.com.acme.premium"]);
  }, 180_000);

  it("refuses a key that does not match, a wrong passphrase, and a WWDR that did not issue the certificate", async () => {
    const [pass] = await tenantWithPasses();
    const a = files(generateDevelopmentChain("pass.com.acme.a", "ACME123456"), "pw");
    const b = files(generateDevelopmentChain("pass.com.acme.b", "ACME123456"), "pw");
    const mismatch = await runCli(["cert", "import", "--tenant", pass!.tenant, "--cert", a.cert, "--key", b.key, "--wwdr", a.wwdr, "--passphrase-stdin"], { input: "pw" });
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toBe("error: the private key does not belong to the certificate\n");
    const wrong = await runCli(["cert", "import", "--tenant", pass!.tenant, "--p12", a.p12, "--passphrase-stdin"], { input: "nope" });
    expect(wrong.stderr).toMatch(/^error: cannot read the \.p12/);
    const issuer = await runCli(["cert", "import", "--tenant", pass!.tenant, "--cert", a.cert, "--key", a.key, "--wwdr", b.wwdr, "--passphrase-stdin"], { input: "pw" });
    expect(issuer.stderr).toMatch(/did not issue this certificate/);
    expect(await db().walletCertificate.count({ where: { tenantId: pass!.tenantId, development: false } })).toBe(0);
  }, 180_000);
});
