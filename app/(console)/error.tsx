"use client";
/** A console page that failed to load: the reason and a retry. */
import { ErrorState } from "./_components/ui";

export default function ConsoleError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="max-w-2xl">
      <ErrorState title="This page could not be loaded">
        <p>{error.message || "Unexpected error"}</p>
        {error.digest ? <p className="mt-1 text-xs">Reference: {error.digest}</p> : null}
        <button type="button" onClick={reset} className="mt-3 rounded-md bg-rose-700 px-3 py-1 text-sm text-white hover:bg-rose-800">
          Try again
        </button>
      </ErrorState>
    </div>
  );
}
