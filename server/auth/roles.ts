/**
 * Console roles, weakest first: VIEWER reads; OPERATOR also replays tasks, manages API keys and
 * tenant integration settings; ADMIN also manages staff and tenants. Pure (no server imports) so
 * client components can use it to hide controls; enforcement happens in tRPC middleware.
 */
import type { StaffRole } from "@prisma/client";

const RANK: Record<StaffRole, number> = { VIEWER: 1, OPERATOR: 2, ADMIN: 3 };

/** The roles in order, weakest first. */
export const ROLES = ["VIEWER", "OPERATOR", "ADMIN"] as const satisfies readonly StaffRole[];

/** True when `role` grants at least what `min` grants. */
export function roleAtLeast(role: StaffRole, min: StaffRole): boolean {
  return RANK[role] >= RANK[min];
}
