/**
 * tRPC for server components: `api()` calls procedures directly with the request's session
 * (same role checks as HTTP); `trpc` + `prefetch` + `HydrateClient` fill the QueryClient that
 * client components then read (and keep fresh) without a second round trip.
 */
import "server-only";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { createTRPCOptionsProxy, type TRPCQueryOptions } from "@trpc/tanstack-react-query";
import { redirect } from "next/navigation";
import { cache } from "react";
import { appRouter, createCaller } from "@/server/trpc/root";
import { createRequestContext } from "@/server/trpc/context";
import { makeQueryClient } from "./query-client";

/** One context (session lookup) per request. */
const context = cache(createRequestContext);

/** One QueryClient per request. */
export const getQueryClient = cache(makeQueryClient);

export const trpc = createTRPCOptionsProxy({ ctx: context, router: appRouter, queryClient: getQueryClient });

/**
 * A caller bound to this request's staff member. Signed out, the page goes to /login as its
 * layout does: Next.js renders a page alongside its layout, so without this every signed-out
 * visit threw the procedures' UNAUTHORIZED in the page and Next.js logged it with its stack
 * trace, an expected visit reported as an error.
 */
export const api = cache(async () => {
  const ctx = await context();
  if (!ctx.staff) redirect("/login");
  return createCaller(ctx);
});

/**
 * Runs a query on the server so the client component reading it renders with data on the first
 * paint (server and browser agree: no hydration mismatch). A failure is left to the client,
 * which retries and shows its error state.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function prefetch<T extends ReturnType<TRPCQueryOptions<any>>>(queryOptions: T): Promise<void> {
  await getQueryClient().prefetchQuery(queryOptions);
}

/** Hands the prefetched queries to the client components below it. */
export function HydrateClient({ children }: { children: React.ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}
