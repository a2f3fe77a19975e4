/** The console's tRPC endpoint (GET queries, POST mutations), authenticated by the next-auth session. */
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/trpc/root";
import { createRequestContext } from "@/server/trpc/context";
import { isSameSiteRequest } from "@/server/auth/csrf";
import { logger } from "@/server/platform/log";
import { problem } from "@/server/platform/http/problem";
import { route } from "@/server/platform/http/route";

export const dynamic = "force-dynamic";

const handler = route((req: Request) => {
  if (req.method !== "GET" && !isSameSiteRequest(req)) return problem({ status: 403, detail: "cross-site request refused" });
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: createRequestContext,
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") logger.error({ err: error.cause ?? error, path }, "console procedure failed");
    },
  });
});

export { handler as GET, handler as POST };
