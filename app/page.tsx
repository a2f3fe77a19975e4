export default function Home() {
  return (
    <main className="mx-auto max-w-2xl p-10">
      <h1 className="text-3xl font-semibold">Passflow</h1>
      <p className="mt-3 text-slate-600">
        Keeps Apple Wallet passes in step with your Klaviyo flows and profiles.
      </p>
      <ul className="mt-6 list-disc pl-6 text-slate-700">
        <li>
          <a className="text-teal-700 underline" href="/api/health">/api/health</a>: process up
        </li>
        <li>
          <a className="text-teal-700 underline" href="/api/ready">/api/ready</a>: database reachable and migrated
        </li>
      </ul>
    </main>
  );
}
