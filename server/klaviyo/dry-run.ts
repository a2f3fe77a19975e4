/**
 * Dry runs of the flow listeners (`?dryRun=1` on passes/pushUpdate and passes/issue): a flow
 * author checks a template with Klaviyo's webhook preview before the flow goes live. The body is
 * validated as for a real delivery, then the task's own work runs in a transaction that is rolled
 * back (server/db/sql.ts `rolledBack`): the customer and pass are resolved, the values typed, the
 * diff computed, and nothing is kept (no receipt, no task, no pass change, no event) and nothing
 * is sent. The answer is 200 with what would change, or the problem the task would fail with.
 */
import type { Tenant } from "@prisma/client";
import { pgTransaction, rolledBack } from "@/server/db/sql";
import { applyPassUpdate, passUpdateInput, type PassChanges } from "@/server/passes/update";
import { issueOrUpdateInput, issueOrUpdatePass } from "@/server/passes/passes";
import { invalid } from "./invalid";
import type { Submission } from "./accept";

/** One change a dry run reports: the value now (`from`, null when none) and the value it would get (`to`). */
export interface DryRunChange {
  key: string;
  from: unknown;
  to: unknown;
}

/** What a dry run answers (200). */
export type DryRunAnswer =
  | { dryRun: true; pass: string; changes: DryRunChange[] }
  | { dryRun: true; action: "create" | "update" | "none"; pass: string | null; passType: string; changes: DryRunChange[] };

function changeList(changes: PassChanges): DryRunChange[] {
  return Object.entries(changes).map(([key, c]) => ({ key, from: c.before ?? null, to: c.after ?? null }));
}

/**
 * The `dryRun` query value: `1`/`true` → true, `0`/`false` or absent → false.
 * @throws HttpProblem 400 naming `dryRun` for anything else
 */
export function dryRunRequested(url: string): boolean {
  const value = new URL(url).searchParams.get("dryRun");
  if (value === null) return false;
  const v = value.trim().toLowerCase();
  if (v === "1" || v === "true") return true;
  if (v === "0" || v === "false" || v === "") return false;
  throw invalid([{ field: "dryRun", message: "must be 1 or true (0, false or absent for a real delivery)" }], "the dryRun query parameter is invalid");
}

/**
 * What the submission's task would do, computed and rolled back.
 * @throws DomainError the task's own failures (pass_not_found, invalid_field_value…), answered
 *   through the one error table like any request
 */
export async function dryRun(submission: Submission, tenant: Tenant): Promise<DryRunAnswer> {
  if (submission.kind !== "flow") throw new Error("dry runs cover flow webhooks");
  const { task } = submission;
  if (task.kind === "PASS_ISSUE") {
    const r = await issueOrUpdatePass(tenant.id, issueOrUpdateInput.parse(task.input), { dryRun: true });
    return { dryRun: true, action: r.created ? "create" : r.changed ? "update" : "none", pass: r.created ? null : r.serialNumber, passType: r.passType, changes: changeList(r.changes) };
  }
  if (task.kind === "PASS_UPDATE") {
    const r = await rolledBack(pgTransaction, (sql) => applyPassUpdate(sql, tenant, passUpdateInput.parse(task.input), null));
    return { dryRun: true, pass: r.serialNumber, changes: changeList(r.changes) };
  }
  throw invalid([{ field: "dryRun", message: "this endpoint has no dry run (passes/pushUpdate and passes/issue have)" }], "the dryRun query parameter is invalid");
}
