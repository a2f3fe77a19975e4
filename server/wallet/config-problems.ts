/**
 * APNs configuration problems of a tenant: rejected pushes whose reason points at its setup
 * (environment, certificate, topic) rather than at one device, with what an operator should
 * check. The push pipeline reports them as they happen; the tenant page lists the last day's.
 */
import { db } from "../db/client";

/** APNs reasons that mean the tenant's setup is wrong (environment, certificate, topic), not the device. */
export const CONFIGURATION_REASONS = [
  "BadDeviceToken",
  "TopicDisallowed",
  "DeviceTokenNotForTopic",
  "BadCertificate",
  "BadCertificateEnvironment",
  "MissingTopic",
  "BadTopic",
  "InvalidProviderToken",
  "MissingProviderToken",
  "Forbidden",
  "DevelopmentCertificate",
] as const;

/** Whether an APNs rejection reason points at the tenant's setup rather than one device. */
export function isConfigurationReason(reason: string): boolean {
  return (CONFIGURATION_REASONS as readonly string[]).includes(reason);
}

export interface WalletConfigProblem {
  reason: string;
  /** Rejected pushes with this reason in the window. */
  count: number;
  lastAt: string;
  /** What an operator should check. */
  hint: string;
}

const HINTS: Record<string, string> = {
  BadDeviceToken: "push tokens do not match the APNs environment: Wallet passes use production APNs (api.push.apple.com)",
  TopicDisallowed: "APNs refuses the topic: the Pass Type ID certificate (or .p8 key's team) does not match the pass type identifier",
  DeviceTokenNotForTopic: "the device token belongs to another topic: check the pass type identifier",
  BadCertificate: "APNs refused the certificate: import the Pass Type ID certificate again",
  BadCertificateEnvironment: "the certificate is for the other APNs environment",
  InvalidProviderToken: "the .p8 key, key id or team id is wrong",
  DevelopmentCertificate: "the pass type still uses Passflow's development certificate, which Apple refuses: import the Pass Type ID certificate (`cert import`)",
};

/**
 * A tenant's APNs configuration problems in the last `hours` (default 24): rejected pushes whose
 * reason points at the setup rather than one device. Empty when all is well.
 */
export async function walletConfigProblems(tenantId: string, hours = 24): Promise<WalletConfigProblem[]> {
  const since = new Date(Date.now() - hours * 3_600_000);
  const groups = await db().pushDelivery.groupBy({
    by: ["reason"],
    where: { status: "REJECTED", reason: { in: [...CONFIGURATION_REASONS] }, createdAt: { gte: since }, pass: { tenantId } },
    _count: { _all: true },
    _max: { createdAt: true },
  });
  return groups.map((g) => ({
    reason: g.reason!,
    count: g._count._all,
    lastAt: g._max.createdAt!.toISOString(),
    hint: HINTS[g.reason!] ?? "check the tenant's Pass Type ID certificate and APNs settings",
  }));
}
