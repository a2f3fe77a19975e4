/**
 * Runs before every unit test file (vitest project `unit`, no global setup). Unit tests have no
 * database: DATABASE_URL is removed, so code that reaches for one throws ("DATABASE_URL is not
 * set") and the test fails; such a test belongs in a `*.int.test.ts` file. A throwaway data
 * directory keeps development secrets (the encryption key of `encryptSecret`) out of `.data/`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";

delete process.env.DATABASE_URL;
const dataDir = mkdtempSync(path.join(tmpdir(), "passflow-unit-"));
process.env.PASSFLOW_DATA_DIR = dataDir;
process.env.LOG_LEVEL ??= "warn";

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
