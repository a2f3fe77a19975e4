/** A pass page link that does not open a pass: unknown, no longer there, or not signed as sent (404; which is not said). */
export default function PassPageNotFound() {
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col items-center justify-center px-4 text-center">
      <h1 className="text-xl font-semibold text-slate-900">This link does not work</h1>
      <p className="mt-3 text-sm text-slate-600" data-testid="pass-link-invalid">
        The link may be incomplete or no longer valid. Open it again from the message you received, or ask for a new one.
      </p>
    </main>
  );
}
