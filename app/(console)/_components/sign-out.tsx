"use client";
/** Signs out through next-auth (CSRF-protected POST) and returns to the sign-in page. */
import { signOut } from "next-auth/react";

export function SignOutButton() {
  return (
    <button type="button" onClick={() => void signOut({ callbackUrl: "/login" })} className="w-full rounded-md border border-teal-600 px-3 py-1.5 text-sm text-teal-50 hover:bg-teal-800">
      Sign out
    </button>
  );
}
