/**
 * Cursor pagination and filters shared by every console list. Lists are ordered newest first by
 * (createdAt, id); the cursor is the id of the last row of the previous page, so a page costs one
 * indexed range read however deep it is.
 */
import { z } from "zod";

/** Default and largest page sizes. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** Fields every list input has. */
export const pageFields = {
  cursor: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
};

/** `from` / `to` bounds on createdAt (inclusive, exclusive). */
export const timeRangeFields = {
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
};

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Prisma arguments for one page (`take` one extra row to learn whether another page exists). */
export function pageArgs(input: { cursor?: string; limit: number }) {
  return {
    take: input.limit + 1,
    ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
    orderBy: [{ createdAt: "desc" as const }, { id: "desc" as const }],
  };
}

/** Cuts the extra row off and names the next cursor. */
export function toPage<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null };
}

/** A createdAt filter for a time range, or undefined when open on both ends. */
export function createdBetween(range: { from?: Date; to?: Date }) {
  if (!range.from && !range.to) return undefined;
  return { ...(range.from ? { gte: range.from } : {}), ...(range.to ? { lt: range.to } : {}) };
}
