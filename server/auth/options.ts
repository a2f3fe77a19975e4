/**
 * next-auth configuration for the staff console: email + password (argon2id, throttled) and,
 * when OIDC_ISSUER/OIDC_CLIENT_ID/OIDC_CLIENT_SECRET are set, OpenID Connect sign-in mapped to
 * existing staff by verified email. Sessions are JWT cookies that expire STAFF_SESSION_MAX_AGE
 * seconds after sign-in; next-auth's CSRF token protects sign-in and sign-out. The session holds
 * only the staff id: role and enabled state are read from the database on every request.
 */
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { env } from "@/server/platform/env";
import { devSecrets } from "@/server/platform/data-dir";
import { endStaffSessions, findActiveStaffByEmail } from "@/server/staff/staff";
import { signInWithPassword } from "./staff-login";

/** Error code the sign-in page receives while failed attempts are throttled (`TooManyAttempts:<seconds>`). */
export const THROTTLED_ERROR = "TooManyAttempts";
/** Provider id of the optional OpenID Connect sign-in. */
export const OIDC_PROVIDER_ID = "oidc";

declare module "next-auth" {
  interface Session {
    staffId?: string;
    /** When this session signed in (ms since the epoch); never refreshed. */
    signedInAt?: number;
  }
}
declare module "next-auth/jwt" {
  interface JWT {
    staffId?: string;
    signedInAt?: number;
  }
}

type Headers = Record<string, string | string[] | undefined> | undefined;

/** The client address of a sign-in request (first X-Forwarded-For hop behind a proxy). */
export function clientAddress(headers: Headers): string {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.split(",")[0]?.trim();
  return first(headers?.["x-forwarded-for"]) || first(headers?.["x-real-ip"]) || "unknown";
}

interface OidcProfile {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
}

function oidcProvider(): OAuthConfig<OidcProfile> | undefined {
  if (!env.OIDC_ISSUER || !env.OIDC_CLIENT_ID || !env.OIDC_CLIENT_SECRET) return undefined;
  const issuer = env.OIDC_ISSUER.replace(/\/+$/, "");
  return {
    id: OIDC_PROVIDER_ID,
    name: env.OIDC_DISPLAY_NAME,
    type: "oauth",
    wellKnown: `${issuer}/.well-known/openid-configuration`,
    clientId: env.OIDC_CLIENT_ID,
    clientSecret: env.OIDC_CLIENT_SECRET,
    authorization: { params: { scope: "openid email profile" } },
    idToken: true,
    checks: ["pkce", "state"],
    profile: (p) => ({ id: p.sub, email: p.email ?? null, name: p.name ?? p.email ?? p.sub }),
  };
}

/** Whether the sign-in page offers OpenID Connect, and its label. */
export function oidcSignIn(): { id: string; name: string } | undefined {
  return oidcProvider() ? { id: OIDC_PROVIDER_ID, name: env.OIDC_DISPLAY_NAME } : undefined;
}

function buildOptions(): NextAuthOptions {
  const oidc = oidcProvider();
  return {
    secret: env.NEXTAUTH_SECRET ?? devSecrets().nextAuthSecret,
    session: { strategy: "jwt", maxAge: env.STAFF_SESSION_MAX_AGE },
    jwt: { maxAge: env.STAFF_SESSION_MAX_AGE },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        id: "credentials",
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const result = await signInWithPassword({
            email: credentials?.email ?? "",
            password: credentials?.password ?? "",
            address: clientAddress(req?.headers as Headers),
          });
          if (result.ok) return { id: result.staff.id, email: result.staff.email, name: result.staff.name };
          if (result.reason === "throttled") throw new Error(`${THROTTLED_ERROR}:${result.retryAfterSeconds}`);
          return null;
        },
      }),
      ...(oidc ? [oidc] : []),
    ],
    callbacks: {
      async signIn({ account, profile, user }) {
        if (account?.provider !== OIDC_PROVIDER_ID) return true;
        const p = profile as OidcProfile | undefined;
        if (!user.email || p?.email_verified === false) return false;
        return (await findActiveStaffByEmail(user.email)) !== null;
      },
      async jwt({ token, user, account }) {
        if (user) {
          token.staffId = account?.provider === OIDC_PROVIDER_ID ? (await findActiveStaffByEmail(user.email ?? ""))?.id : user.id;
          token.signedInAt = Date.now();
        }
        return token;
      },
      session({ session, token }) {
        session.staffId = token.staffId;
        session.signedInAt = token.signedInAt;
        return session;
      },
    },
    events: {
      // sessions are JWTs in a cookie: signing out also ends every copy of them server-side
      async signOut({ token }) {
        if (token?.staffId) await endStaffSessions(token.staffId);
      },
    },
  };
}

let options: NextAuthOptions | undefined;

/** The next-auth options (built on first use, so a build step needs no secret). */
export function authOptions(): NextAuthOptions {
  options ??= buildOptions();
  return options;
}
