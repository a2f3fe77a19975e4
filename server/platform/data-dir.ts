/**
 * The embedded default's local state directory (PASSFLOW_DATA_DIR, default `.data/`): the PGlite
 * database, development certificates and the development secrets file. Never used when the
 * operator configures real services and keys.
 */
import { mkdirSync, openSync, readFileSync, writeFileSync, closeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { env } from "./env";

/** Absolute path of the data directory, created on first use (mode 0700). */
export function dataDir(): string {
  const dir = path.resolve(env.PASSFLOW_DATA_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

interface DevSecrets {
  encryptionKey: string;
  nextAuthSecret: string;
}

let cached: DevSecrets | undefined;

/**
 * Development-only secrets, generated once per data directory and kept in `dev-secrets.json`
 * (mode 0600) so every local process (app, CLI, executor, tests) agrees on them.
 */
export function devSecrets(): DevSecrets {
  if (cached) return cached;
  const file = path.join(dataDir(), "dev-secrets.json");
  const fresh: DevSecrets = {
    encryptionKey: randomBytes(32).toString("base64"),
    nextAuthSecret: randomBytes(32).toString("base64url"),
  };
  try {
    const fd = openSync(file, "wx", 0o600);
    writeFileSync(fd, JSON.stringify(fresh, null, 2));
    closeSync(fd);
    cached = fresh;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    cached = JSON.parse(readFileSync(file, "utf8")) as DevSecrets;
  }
  return cached;
}
