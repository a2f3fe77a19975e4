import "server-only";
import { TRPCError } from "@trpc/server";
import { notFound } from "next/navigation";

/** Awaits a procedure call, turning NOT_FOUND into the page's 404. */
export async function orNotFound<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof TRPCError && err.code === "NOT_FOUND") notFound();
    throw err;
  }
}
