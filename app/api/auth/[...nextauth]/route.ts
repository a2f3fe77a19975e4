/** next-auth: sign-in (credentials, optional OpenID Connect), sign-out, CSRF token, session. */
import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions } from "@/server/auth/options";

export const dynamic = "force-dynamic";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

function handler(req: NextRequest, ctx: RouteContext) {
  // next-auth v4's App Router handler awaits ctx.params itself
  return NextAuth(req, ctx, authOptions());
}

export { handler as GET, handler as POST };
