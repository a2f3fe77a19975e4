/** next-auth: sign-in (credentials, optional OpenID Connect), sign-out, CSRF token, session. */
import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions } from "@/server/auth/options";
import { route } from "@/server/platform/http/route";

export const dynamic = "force-dynamic";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

// next-auth v4's App Router handler awaits ctx.params itself
const handler = route((req: NextRequest, ctx: RouteContext): Promise<Response> => NextAuth(req, ctx, authOptions()));

export { handler as GET, handler as POST };
