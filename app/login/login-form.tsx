"use client";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, useSyncExternalStore } from "react";

const subscribeNothing = () => () => {};

/** A readable sentence for a next-auth error code. */
function describe(error: string | undefined | null): string | null {
  if (!error) return null;
  if (error.startsWith("TooManyAttempts")) {
    const seconds = Number(error.split(":")[1]) || 900;
    return `Too many failed sign-ins. Try again in ${Math.ceil(seconds / 60)} minute${seconds > 60 ? "s" : ""}.`;
  }
  if (error === "CredentialsSignin") return "Wrong email or password.";
  if (error === "AccessDenied") return "This account is not an enabled Passflow staff member.";
  if (error === "SessionRequired") return "Please sign in.";
  return "Sign-in failed. Please try again.";
}

export function LoginForm({ initialError, callbackUrl, oidc }: { initialError?: string; callbackUrl: string; oidc?: { id: string; name: string } }) {
  const router = useRouter();
  const [error, setError] = useState(describe(initialError));
  const [pending, setPending] = useState(false);
  // Until the script runs the form cannot fetch next-auth's CSRF token: keep it disabled.
  const ready = useSyncExternalStore(subscribeNothing, () => true, () => false);

  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    setPending(true);
    setError(null);
    const result = await signIn("credentials", { redirect: false, email: String(data.get("email")), password: String(data.get("password")), callbackUrl });
    setPending(false);
    if (!result || result.error) {
      setError(describe(result?.error ?? "unknown"));
      return;
    }
    router.replace(callbackUrl);
    router.refresh();
  }

  const input = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-teal-600 focus:outline-none focus:ring-1 focus:ring-teal-600";
  return (
    <div className="mt-6 space-y-4">
      <form onSubmit={submit} method="post" className="space-y-4">
        <label className="block text-sm font-medium text-slate-700">
          Email
          <input name="email" type="email" autoComplete="username" required className={input} />
        </label>
        <label className="block text-sm font-medium text-slate-700">
          Password
          <input name="password" type="password" autoComplete="current-password" required className={input} />
        </label>
        {error ? (
          <p className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700" data-testid="login-error">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={pending || !ready} className="w-full rounded-md bg-teal-700 px-3 py-2 text-sm font-semibold text-white shadow-sm hover:bg-teal-800 disabled:opacity-60">
          {pending ? "Signing in…" : "Sign in"}
        </button>
      </form>
      {oidc ? (
        <button type="button" onClick={() => void signIn(oidc.id, { callbackUrl })} className="w-full rounded-md border border-slate-300 px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50">
          Sign in with {oidc.name}
        </button>
      ) : null}
    </div>
  );
}
