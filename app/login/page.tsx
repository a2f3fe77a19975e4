/** Staff sign-in: email and password, or the configured OpenID Connect provider. */
import { redirect } from "next/navigation";
import { getStaff } from "@/app/_lib/staff";
import { oidcSignIn } from "@/server/auth/options";
import { LoginForm } from "./login-form";

export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ error?: string; callbackUrl?: string }> }) {
  if (await getStaff()) redirect("/");
  const { error, callbackUrl } = await searchParams;
  const safeCallback = callbackUrl?.startsWith("/") && !callbackUrl.startsWith("//") ? callbackUrl : "/";
  return (
    <main className="flex min-h-screen items-center justify-center bg-teal-900 px-4">
      <div className="w-full max-w-sm rounded-xl bg-white p-8 shadow-xl">
        <h1 className="text-xl font-semibold text-slate-900">Passflow console</h1>
        <p className="mt-1 text-sm text-slate-500">Sign in with your staff account.</p>
        <LoginForm initialError={error} callbackUrl={safeCallback} oidc={oidcSignIn()} />
      </div>
    </main>
  );
}
