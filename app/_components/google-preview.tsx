/**
 * The console's preview of a Google Wallet pass (server/wallet/google/mapping.ts `googlePreview`):
 * the card as Google Wallet lays it out: logo and program, the points line, the text modules and
 * the barcode's value. Server-rendered, no script.
 */
import type { GooglePreview as Preview } from "@/server/wallet/google/mapping";

export function GooglePreview({ preview }: { preview: Preview }) {
  const background = preview.backgroundColor ?? "#1f2937";
  return (
    <figure className="w-[300px] overflow-hidden rounded-3xl text-white shadow-md" style={{ backgroundColor: background }} data-testid="google-preview" aria-label="Google Wallet preview">
      <div className="flex items-center gap-3 px-5 pt-5">
        {preview.logoUrl ? (
          // eslint-disable-next-line @next/next/no-img-element -- a pass image served by Passflow itself, at its own size
          <img src={preview.logoUrl} alt="" className="h-9 w-9 rounded-full bg-white object-contain" />
        ) : (
          <span className="h-9 w-9 rounded-full bg-white/30" aria-hidden />
        )}
        <div className="min-w-0">
          <p className="truncate text-sm font-medium">{preview.subtitle}</p>
          <p className="truncate text-lg font-semibold">{preview.title}</p>
        </div>
      </div>
      {preview.points ? (
        <div className="px-5 pt-4">
          <p className="text-xs uppercase tracking-wide text-white/70">{preview.points.label}</p>
          <p className="text-2xl font-semibold">{preview.points.value}</p>
        </div>
      ) : null}
      {preview.modules.length ? (
        <dl className="grid grid-cols-2 gap-3 px-5 pt-4">
          {preview.modules.map((m) => (
            <div key={`${m.header}:${m.body}`} className="min-w-0">
              <dt className="truncate text-xs text-white/70">{m.header}</dt>
              <dd className="truncate text-sm">{m.body}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      <div className="m-5 rounded-xl bg-white p-3 text-center text-slate-900">
        {preview.barcode ? (
          <>
            <p className="font-mono text-xs text-slate-500">{preview.barcode.type}</p>
            <p className="break-all font-mono text-sm">{preview.barcode.alternateText ?? preview.barcode.value}</p>
          </>
        ) : (
          <p className="text-xs text-slate-500">no barcode</p>
        )}
      </div>
      {preview.state !== "ACTIVE" ? <p className="bg-black/30 px-5 py-2 text-center text-xs font-medium">{preview.state}</p> : null}
    </figure>
  );
}
