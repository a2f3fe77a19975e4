/**
 * Test helper: the repository's Klaviyo request samples (server/klaviyo/samples, described in
 * its README), read as sent.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const SAMPLES_DIR = fileURLToPath(new URL("../../klaviyo/samples/", import.meta.url));

function read(name: string): string {
  const file = path.join(SAMPLES_DIR, name);
  if (!existsSync(file)) throw new Error(`Klaviyo sample ${name} not found in ${SAMPLES_DIR}`);
  return readFileSync(file, "utf8");
}

/** One request as Klaviyo sends it to a listener (`endpoint` below `/api/{tenantId}/webhooks/listeners/klaviyo/`). */
export interface KlaviyoSample {
  description: string;
  request: {
    method: string;
    endpoint: "passes/pushUpdate" | "passes/issue" | "profiles/sync";
    headers: Record<string, string>;
    body?: unknown;
    /** A file beside the sample holding the exact body bytes (signed system webhooks). */
    bodyFile?: string;
  };
  /** System webhooks: the made-up secret and the signature at the sample's fixed timestamp. */
  signing?: { secret: string; timestamp: string; signature: string };
  response: { status: number };
  then?: string;
}

/** Bodies a listener must refuse, each with its status and the field its problem names. */
export interface RejectedSamples {
  description: string;
  request: { method: string; endpoint: KlaviyoSample["request"]["endpoint"] };
  cases: { why: string; body: string; contentType?: string; status: number; field: string }[];
}

export function klaviyoSample<T = KlaviyoSample>(name: string): T {
  return JSON.parse(read(name)) as T;
}

/** The exact bytes of a sample's bodyFile (signatures cover them as stored). */
export function klaviyoSampleBytes(name: string): string {
  return read(name);
}
