/** CLI `cert`: Apple Wallet certificates and APNs keys. */
import type { Command } from "commander";
import { readFile } from "node:fs/promises";
import { DomainError } from "@/server/platform/errors";
import { ACTOR, out, json, readStdin, collect, withDb } from "../common";

export function registerCertCommands(program: Command): void {
  const cert = program.command("cert").description("Apple Wallet certificates (Pass Type ID, APNs auth key)");
  cert
    .command("import")
    .description("import a tenant's Pass Type ID certificate (PEM pair or .p12) with Apple's WWDR intermediate")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .option("--cert <file>", "certificate, PEM")
    .option("--key <file>", "private key, PEM (may be encrypted)")
    .option("--p12 <file>", "PKCS#12 export instead of --cert/--key")
    .option("--wwdr <file>", "Apple WWDR intermediate, PEM (required unless the .p12 includes it)")
    .option("--passphrase-stdin", "read the key's or .p12's passphrase from standard input")
    .option("--pass-type <key>", "pass type that uses it (repeatable; default: all of the tenant's)", collect, [])
    .option("--json", "print a JSON summary")
    .action(
      withDb(async (opts: { tenant: string; cert?: string; key?: string; p12?: string; wwdr?: string; passphraseStdin?: boolean; passType: string[]; json?: boolean }) => {
        if (!opts.p12 && !(opts.cert && opts.key)) throw new DomainError("invalid_input", "give --cert and --key, or --p12", "cert");
        const { importCertificate } = await import("@/server/wallet/certificate-import");
        const r = await importCertificate({
          tenant: opts.tenant,
          certificatePem: opts.cert ? await readFile(opts.cert, "utf8") : undefined,
          privateKeyPem: opts.key ? await readFile(opts.key, "utf8") : undefined,
          p12: opts.p12 ? await readFile(opts.p12) : undefined,
          wwdrPem: opts.wwdr ? await readFile(opts.wwdr, "utf8") : undefined,
          passphrase: opts.passphraseStdin ? await readStdin("--passphrase-stdin") : undefined,
          passTypes: opts.passType,
          actor: ACTOR,
        });
        if (opts.json) json(r);
        else out(`imported ${r.passTypeIdentifier} (team ${r.teamIdentifier}, expires ${r.expiresAt}) for ${r.passTypes.join(", ")}`);
      }),
    );
  cert
    .command("list")
    .description("list a tenant's certificates")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .option("--json", "print JSON")
    .action(
      withDb(async (opts: { tenant: string; json?: boolean }) => {
        const { listCertificates } = await import("@/server/wallet/certificate-import");
        const rows = await listCertificates(opts.tenant);
        if (opts.json) json(rows);
        else for (const c of rows) out(`${c.passTypeIdentifier}\tteam=${c.teamIdentifier}\texpires=${c.expiresAt}${c.development ? "\tDEVELOPMENT (not installable)" : ""}`);
      }),
    );
  cert
    .command("apns-key")
    .description("use token-based APNs (an Apple .p8 auth key) for the tenant's pushes")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .requiredOption("--p8 <file>", "AuthKey_XXXXXXXXXX.p8")
    .requiredOption("--key-id <id>", "the key's 10-character id")
    .requiredOption("--team-id <id>", "the 10-character Team ID")
    .action(
      withDb(async (opts: { tenant: string; p8: string; keyId: string; teamId: string }) => {
        const { setApnsKey } = await import("@/server/wallet/apns-keys");
        await setApnsKey({ tenant: opts.tenant, keyId: opts.keyId, teamId: opts.teamId, p8Pem: await readFile(opts.p8, "utf8"), actor: ACTOR });
        out(`tenant ${opts.tenant} pushes with APNs key ${opts.keyId}`);
      }),
    );
}
