/**
 * Telling devices a pass changed (the pass-notify function's step). A version already superseded
 * by a newer change is not pushed: the newer change's own event pushes, and the device fetches
 * the latest pass either way, so one push per burst of changes is enough.
 */
import { poolSql } from "@/server/db/sql";
import { pushSender, type PassPush, type PushOutcome } from "./push";

export type NotifyResult = PushOutcome | { skipped: "superseded" | "pass_not_found" };

/** Pushes `push.versionTag` of the pass to every registered device unless it is stale (one statement when no device holds the pass). */
export async function notifyPassChanged(push: PassPush): Promise<NotifyResult> {
  const [pass] = await poolSql().query<{ versionTag: string; registered: boolean }>(
    `SELECT p."versionTag"::text AS "versionTag", EXISTS (SELECT 1 FROM "Registration" r WHERE r."passId" = p.id) AS registered FROM "Pass" p WHERE p.id = $1`,
    [push.passId],
  );
  if (!pass) return { skipped: "pass_not_found" };
  if (BigInt(pass.versionTag) > push.versionTag) return { skipped: "superseded" };
  // most passes are on no device yet: nothing to push, and no need to ask the sender
  if (!pass.registered) return { devices: 0, accepted: 0, rejected: 0, failed: 0 };
  return pushSender().send(push);
}
