/** Any URL nothing answers (outside the signed-in console, whose own not-found keeps its navigation). */
import Link from "next/link";

export const metadata = { title: "Not found · Passflow" };

export default function NotFound() {
  return (
    <main className="flex min-h-screen items-center justify-center bg-teal-900 px-4">
      <div className="w-full max-w-sm rounded-xl bg-white p-8 text-center shadow-xl" data-testid="not-found">
        <p className="text-sm font-semibold text-teal-700">404</p>
        <h1 className="mt-1 text-xl font-semibold text-slate-900">Page not found</h1>
        <p className="mt-2 text-sm text-slate-500">Nothing here by that name.</p>
        <Link href="/" className="mt-6 inline-block rounded-md bg-teal-700 px-4 py-2 text-sm font-medium text-white hover:bg-teal-800">
          Go to the console
        </Link>
      </div>
    </main>
  );
}
