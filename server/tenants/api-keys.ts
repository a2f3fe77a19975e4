/**
 * Tenant API keys: the credential a merchant pastes into a Klaviyo flow's webhook headers.
 * Format `pf_<8 chars>_<43 chars>`: the first part (`prefix`, e.g. `pf_k3j9x0qa`) is public and
 * finds the row; only the SHA-256 hash of the whole key is stored. The key is shown once.
 *
 * Verified keys are remembered in process memory for API_KEY_CACHE_SECONDS (default 60), by that
 * same SHA-256 hash (never the key), so a flow sending webhooks costs one key lookup a minute
 * instead of one per request (server/klaviyo/credentials.ts). Revoking a key forgets it at once
 * in the revoking process (the console's, on globalThis for every route bundle); other processes
 * (the CLI's revoke, other instances) refuse it once their entry expires, within the TTL.
 */
import { randomBytes } from "node:crypto";
import { db } from "../db/client";
import { env } from "@/server/platform/env";
import { TtlCache } from "@/server/platform/ttl-cache";
import { DomainError } from "@/server/platform/errors";
import { hashToken } from "@/server/platform/crypto";
import { audit } from "@/server/staff/audit";
import { getTenant } from "./tenants";

/** The scope the Klaviyo listeners require. */
export const KLAVIYO_LISTENER_SCOPE = "KlaviyoListener.Write";
/** The scope of the merchant API that issues passes and changes customers (`POST`/`GET …/v1/passes`, `DELETE …/v1/customers/{customerId}`). */
export const PASSES_WRITE_SCOPE = "Passes.Write";
export const KNOWN_SCOPES = [KLAVIYO_LISTENER_SCOPE, PASSES_WRITE_SCOPE] as const;

const PREFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

function randomPrefix(): string {
  const bytes = randomBytes(8);
  return "pf_" + Array.from(bytes, (b) => PREFIX_ALPHABET[b % PREFIX_ALPHABET.length]).join("");
}

export interface CreatedApiKey {
  id: string;
  prefix: string;
  /** The whole key; never stored, never shown again. */
  key: string;
}

/**
 * Creates an API key for a tenant.
 * @throws DomainError tenant_not_found, invalid_input (unknown scope)
 */
export async function createApiKey(input: { tenant: string; name: string; scopes: string[]; actor: string }): Promise<CreatedApiKey> {
  const unknown = input.scopes.filter((s) => !(KNOWN_SCOPES as readonly string[]).includes(s));
  if (unknown.length || input.scopes.length === 0) {
    throw new DomainError("invalid_input", `unknown scope ${unknown.join(", ") || "(none)"}; known: ${KNOWN_SCOPES.join(", ")}`, "scope");
  }
  const tenant = await getTenant(input.tenant);
  const prefix = randomPrefix();
  const key = `${prefix}_${randomBytes(32).toString("base64url")}`;
  const row = await db().$transaction(async (tx) => {
    const created = await tx.apiKey.create({
      data: { tenantId: tenant.id, name: input.name, prefix, hash: hashToken(key), scopes: input.scopes },
    });
    await audit(
      { actor: input.actor, action: "apikey.create", targetType: "ApiKey", targetId: created.id, tenantId: tenant.id, details: { prefix, name: input.name } },
      tx,
    );
    return created;
  });
  return { id: row.id, prefix, key };
}

/** What a verified key allows: checked on every request, from the cache or the database. */
export interface VerifiedApiKey {
  id: string;
  tenantId: string;
  scopes: string[];
  lastUsedAt: Date | null;
}

const globalForKeys = globalThis as unknown as { passflowVerifiedApiKeys?: TtlCache<VerifiedApiKey> };

/**
 * This process's verified keys by the SHA-256 hex of the whole key, for API_KEY_CACHE_SECONDS (on
 * globalThis: the listeners' and the console's route bundles share them).
 */
export function verifiedApiKeys(): TtlCache<VerifiedApiKey> {
  return (globalForKeys.passflowVerifiedApiKeys ??= new TtlCache(() => env.API_KEY_CACHE_SECONDS * 1000));
}

/** A whole API key; group 1 is its public prefix. */
export const API_KEY_PATTERN = /^(pf_[a-z0-9]{8})_[A-Za-z0-9_-]{43}$/;
const PREFIX_PATTERN = /^pf_[a-z0-9]{8}$/;

/** The public prefix of `value`, a prefix (`pf_xxxxxxxx`) or a whole key; undefined for anything else. */
function prefixOf(value: string): string | undefined {
  const v = value.trim();
  return PREFIX_PATTERN.test(v) ? v : API_KEY_PATTERN.exec(v)?.[1];
}

/**
 * Revokes a key by its prefix, or by the whole key (only its public prefix is used and ever
 * echoed). Idempotent: revoking a revoked key keeps the first time.
 * @throws DomainError not_found
 */
export async function revokeApiKey(input: { prefix: string; actor: string }): Promise<{ prefix: string; revokedAt: Date }> {
  const prefix = prefixOf(input.prefix);
  if (!prefix) throw new DomainError("not_found", "no API key with that prefix (expected pf_ followed by 8 letters or digits)", "prefix");
  const row = await db().apiKey.findUnique({ where: { prefix } });
  if (!row) throw new DomainError("not_found", `no API key ${JSON.stringify(prefix)}`, "prefix");
  if (row.revokedAt) return { prefix: row.prefix, revokedAt: row.revokedAt };
  const revoked = await db().$transaction(async (tx) => {
    const updated = await tx.apiKey.update({ where: { id: row.id }, data: { revokedAt: new Date() } });
    await audit({ actor: input.actor, action: "apikey.revoke", targetType: "ApiKey", targetId: row.id, tenantId: row.tenantId, details: { prefix: row.prefix } }, tx);
    return { prefix: updated.prefix, revokedAt: updated.revokedAt! };
  });
  verifiedApiKeys().deleteWhere((key) => key.id === row.id);
  return revoked;
}
