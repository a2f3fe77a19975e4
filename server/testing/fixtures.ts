/** Test helper: the Klaviyo request samples in ../shared/fixtures/klaviyo, read as sent. */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/** The shared fixtures folder (beside the checkout, as in CI's clone). */
export const FIXTURES_DIR = [path.resolve("../shared/fixtures/klaviyo"), path.resolve("../../shared/fixtures/klaviyo")].find((d) => existsSync(d)) ?? path.resolve("../shared/fixtures/klaviyo");

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
  return JSON.parse(readFileSync(path.join(FIXTURES_DIR, name), "utf8")) as T;
}

/** The exact bytes of a fixture's bodyFile (signatures cover them as stored). */
export function fixtureBytes(name: string): string {
  return readFileSync(path.join(FIXTURES_DIR, name), "utf8");
}
