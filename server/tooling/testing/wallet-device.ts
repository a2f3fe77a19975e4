/**
 * Test helpers: an iPhone's Wallet talking to the PassKit web service over real HTTP, and a pass
 * change made the way pass updates make it (data changed, versionTag from the sequence).
 */
import { randomBytes } from "node:crypto";
import type { Prisma } from "@prisma/client";
import { db } from "@/server/db/client";

/** What a device knows about an installed pass (from its pass.json). */
export interface InstalledPass {
  passTypeIdentifier: string;
  serialNumber: string;
  authenticationToken: string;
}

export class SimulatedDevice {
  readonly deviceLibraryIdentifier = randomBytes(16).toString("hex");
  readonly pushToken = randomBytes(32).toString("hex");
  private readonly base: string;

  constructor(appUrl: string, tenant: string) {
    this.base = `${appUrl}/api/${tenant}/passkit/v1`;
  }

  private auth(pass: InstalledPass) {
    return { authorization: `ApplePass ${pass.authenticationToken}` };
  }

  register(pass: InstalledPass, body: string = JSON.stringify({ pushToken: this.pushToken })): Promise<Response> {
    return fetch(`${this.base}/devices/${this.deviceLibraryIdentifier}/registrations/${pass.passTypeIdentifier}/${pass.serialNumber}`, {
      method: "POST",
      headers: { ...this.auth(pass), "content-type": "application/json" },
      body,
    });
  }

  unregister(pass: InstalledPass): Promise<Response> {
    return fetch(`${this.base}/devices/${this.deviceLibraryIdentifier}/registrations/${pass.passTypeIdentifier}/${pass.serialNumber}`, {
      method: "DELETE",
      headers: this.auth(pass),
    });
  }

  /** GET the serial numbers updated since `tag` (all registered when undefined). */
  list(passTypeIdentifier: string, tag?: string): Promise<Response> {
    const q = tag === undefined ? "" : `?passesUpdatedSince=${encodeURIComponent(tag)}`;
    return fetch(`${this.base}/devices/${this.deviceLibraryIdentifier}/registrations/${passTypeIdentifier}${q}`);
  }

  download(pass: InstalledPass, ifModifiedSince?: string, method: "GET" | "HEAD" = "GET"): Promise<Response> {
    return fetch(`${this.base}/passes/${pass.passTypeIdentifier}/${pass.serialNumber}`, {
      method,
      headers: { ...this.auth(pass), ...(ifModifiedSince ? { "if-modified-since": ifModifiedSince } : {}) },
    });
  }
}

/**
 * Changes a pass as the pass-update task does: merges `data` and takes a new versionTag from the
 * Pass sequence in one transaction. Resolves with the new versionTag.
 */
export async function changePass(passId: string, data: Record<string, unknown>, tx: Prisma.TransactionClient = db()): Promise<bigint> {
  const [row] = await tx.$queryRaw<[{ versionTag: bigint }]>`
    UPDATE "Pass" SET "data" = "data" || ${JSON.stringify(data)}::jsonb,
      "versionTag" = nextval(pg_get_serial_sequence('"Pass"', 'versionTag')), "updatedAt" = now()
    WHERE id = ${passId} RETURNING "versionTag"`;
  return row.versionTag;
}
