/**
 * Test helper: a merchant system on 127.0.0.1 that receives Passflow's sync-back POSTs, answers
 * with scripted statuses (then 200), and verifies each Standard Webhooks signature.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { db } from "@/server/db/client";
import { encryptSecret } from "@/server/platform/crypto";

export interface ReceivedSync {
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** The signature checked out with the tenant's secret. */
  verified: boolean;
}

export interface MerchantMock {
  url: string;
  secret: string;
  received: ReceivedSync[];
  /** Statuses to answer next, in order (then 200). */
  respond(...statuses: number[]): void;
  close(): Promise<void>;
}

/** Starts the mock and points `tenantId`'s merchant sync at it. */
export async function startMerchantMock(tenantId: string): Promise<MerchantMock> {
  const secret = `whsec_${randomBytes(24).toString("base64")}`;
  const webhook = new Webhook(secret);
  const received: ReceivedSync[] = [];
  const script: number[] = [];
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      let verified = true;
      try {
        webhook.verify(raw, req.headers as Record<string, string>);
      } catch {
        verified = false;
      }
      received.push({ headers: req.headers, body: JSON.parse(raw) as Record<string, unknown>, verified });
      res.statusCode = script.shift() ?? 200;
      res.end(res.statusCode < 300 ? "{}" : '{"error":"scripted"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/passflow-sync`;
  await db().tenant.update({ where: { id: tenantId }, data: { merchantSyncUrl: url, merchantSyncSecretEncrypted: encryptSecret(secret) } });
  return {
    url,
    secret,
    received,
    respond: (...statuses) => script.push(...statuses),
    close: () => new Promise((r) => server.close(() => r())),
  };
}
