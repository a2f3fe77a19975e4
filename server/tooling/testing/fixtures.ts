/** Test helper: the Klaviyo request samples in ../shared/fixtures/klaviyo, read as sent. */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * The shared fixtures folder: PASSFLOW_FIXTURES_DIR when set, else `../shared/fixtures/klaviyo`
 * beside the checkout (as in CI's clone).
 */
export const FIXTURES_DIR = process.env.PASSFLOW_FIXTURES_DIR
  ? path.resolve(process.env.PASSFLOW_FIXTURES_DIR)
  : ([path.resolve("../shared/fixtures/klaviyo"), path.resolve("../../shared/fixtures/klaviyo")].find((d) => existsSync(d)) ?? path.resolve("../shared/fixtures/klaviyo"));

function read(name: string): string {
  const file = path.join(FIXTURES_DIR, name);
  if (!existsSync(file)) {
    throw new Error(`fixture ${file} not found: the tests read the shared Klaviyo samples beside the checkout (../shared/fixtures/klaviyo); set PASSFLOW_FIXTURES_DIR to their folder`);
  }
  return readFileSync(file, "utf8");
}

export interface RequestFixture {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
  bodyFile?: string;
  secret?: string;
  expect: { status: number; [k: string]: unknown };
}

export function fixture<T = RequestFixture>(name: string): T {
  return JSON.parse(read(name)) as T;
}

/** The exact bytes of a fixture's bodyFile (signatures cover them as stored). */
export function fixtureBytes(name: string): string {
  return read(name);
}
