/**
 * Telling devices a pass changed (the pass-notify function's step). A version already superseded
 * by a newer change is not pushed: the newer change's own event pushes, and the device fetches
 * the latest pass either way, so one push per burst of changes is enough.
 */
import { poolSql } from "../db/sql";
import { pushSender, type PassPush, type PushOutcome } from "../wallet/push";

export type NotifyResult = PushOutcome | { skipped: "superseded" | "pass_not_found" };

/** Pushes `push.versionTag` of the pass to every registered device unless it is stale. */
export async function notifyPassChanged(push: PassPush): Promise<NotifyResult> {
  const [pass] = await poolSql().query<{ versionTag: string }>(`SELECT "versionTag"::text AS "versionTag" FROM "Pass" WHERE id = $1`, [push.passId]);
  if (!pass) return { skipped: "pass_not_found" };
  if (BigInt(pass.versionTag) > push.versionTag) return { skipped: "superseded" };
  return pushSender().send(push);
}
