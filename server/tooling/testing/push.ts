/**
 * A push transport for tests of the push pipeline without APNs: it answers each token from
 * `answers` (default: accepted with a fresh apns-id) and lists what it was asked to push.
 */
import { randomUUID } from "node:crypto";
import type { PushResult, PushTransport } from "@/server/wallet/apns";

export interface RecordedPush {
  topic: string;
  credentialsKind: "token" | "certificate";
  token: string;
}

export function recordingTransport(answers: Record<string, PushResult> = {}): PushTransport & { pushes: RecordedPush[] } {
  const pushes: RecordedPush[] = [];
  return {
    pushes,
    async push({ credentials, topic, targets }, onSettled) {
      for (const t of targets) {
        pushes.push({ topic, credentialsKind: credentials.kind, token: t.token });
        t.attempts++;
        t.result = answers[t.token] ?? { kind: "accepted", apnsId: randomUUID() };
        onSettled(t);
      }
    },
    async close() {},
  };
}
