/**
 * A pass drawn the way Wallet lays out its style, from a PassPreview (server/pass-types/preview.ts):
 *
 * - every style: logo and logo text top left, header fields top right, the barcode at the bottom;
 * - storeCard, coupon: the strip image with the primary field over it on a plate of the pass's
 *   background color (Wallet's 375×144 proportion), so its label and value read whatever the strip
 *   holds; secondary and auxiliary fields in one row below (a coupon has a perforated top edge);
 * - eventTicket: a strip (375×98) like a store card's, or the primary and secondary fields beside
 *   the thumbnail over the blurred background image; secondary and auxiliary rows;
 * - generic: the primary field beside the thumbnail; secondary and auxiliary rows;
 * - boardingPass: two primary fields (from, to) with the transit type's symbol between them,
 *   auxiliary then secondary rows, the footer image above the barcode;
 * - `side="back"`: the back fields as Wallet lists them (label above value, one per row).
 *
 * The console's pass page shows a pass's preview, the pass type editor a definition's, live (a
 * client component: it renders there in the browser), and the Add to Wallet page the customer's
 * (server-rendered: no hooks here, so it ships no JavaScript of its own there).
 */
import { QRCodeSVG } from "qrcode.react";
import type { PassPreview as Preview, PreviewField } from "@/server/pass-types/preview";

const TRANSIT_SYMBOL: Record<string, string> = { air: "✈", boat: "⛴", bus: "🚌", train: "🚆", generic: "→" };
const ALIGN = { left: "text-left", center: "text-center", right: "text-right", natural: "" } as const;

function FieldBlock({ field, color, labelColor, size = "sm", align = "left" }: { field: PreviewField; color: string; labelColor: string; size?: "sm" | "lg"; align?: "left" | "right" }) {
  const alignClass = field.textAlignment ? ALIGN[field.textAlignment] : align === "right" ? "text-right" : "";
  return (
    <div className={`min-w-0 ${alignClass} ${field.empty ? "opacity-50" : ""}`} data-testid={`preview-field-${field.key}`}>
      <div className="truncate text-[10px] font-semibold uppercase tracking-wide" style={{ color: labelColor }} data-testid="field-label">
        {field.label}
      </div>
      <div className={`truncate ${size === "lg" ? "text-[28px] font-light leading-8" : "text-sm"}`} style={{ color }} data-testid="field-value">
        {field.empty ? "—" : field.value}
      </div>
    </div>
  );
}

/** A one- or two-dimensional barcode: QR drawn for real, the others as a likeness of their shape. */
function Barcode({ barcode }: { barcode: NonNullable<Preview["barcode"]> }) {
  const bars = (n: number) =>
    Array.from({ length: n }, (_, i) => {
      const c = barcode.message.charCodeAt(i % Math.max(1, barcode.message.length)) || 7;
      return (c + i * 7) % 3 === 0 ? 1 : (c + i) % 2 ? 2 : 3;
    });
  return (
    <div className="rounded-md bg-white p-2 text-center" data-testid="preview-barcode-code" data-format={barcode.format}>
      {barcode.format === "QR" ? (
        <QRCodeSVG value={barcode.message || " "} size={112} level="M" />
      ) : barcode.format === "Aztec" ? (
        <svg width={96} height={96} viewBox="0 0 12 12" aria-label={`Aztec code of ${barcode.message}`}>
          {bars(144).map((b, i) => (b === 1 ? <rect key={i} x={i % 12} y={Math.floor(i / 12)} width={1} height={1} /> : null))}
          <rect x={4} y={4} width={4} height={4} fill="none" stroke="black" strokeWidth={0.6} />
        </svg>
      ) : (
        <svg width={barcode.format === "PDF417" ? 220 : 200} height={barcode.format === "PDF417" ? 56 : 48} aria-label={`${barcode.format} code of ${barcode.message}`}>
          {bars(barcode.format === "PDF417" ? 70 : 60).reduce<{ x: number; el: React.ReactNode[] }>(
            (acc, w, i) => {
              if (i % 2 === 0) acc.el.push(<rect key={i} x={acc.x} y={0} width={w} height={barcode.format === "PDF417" ? 56 : 48} />);
              return { x: acc.x + w, el: acc.el };
            },
            { x: 0, el: [] },
          ).el}
        </svg>
      )}
      {barcode.altText ? <div className="mt-1 font-mono text-[10px] text-slate-700" data-testid="preview-barcode-alt">{barcode.altText}</div> : null}
    </div>
  );
}

function Img({ src, className, alt = "" }: { src: string; className: string; alt?: string }) {
  // eslint-disable-next-line @next/next/no-img-element -- a data: URL from the pass type, nothing to optimize
  return <img src={src} alt={alt} className={className} />;
}

function Row({ fields, fg, labelColor, testId }: { fields: PreviewField[]; fg: string; labelColor: string; testId: string }) {
  if (!fields.length) return null;
  return (
    <div className="flex flex-wrap justify-between gap-x-4 gap-y-2 px-4 py-2" data-testid={testId}>
      {fields.map((f, i) => (
        <FieldBlock key={f.key} field={f} color={fg} labelColor={labelColor} align={i === fields.length - 1 && fields.length > 1 ? "right" : "left"} />
      ))}
    </div>
  );
}

function Back({ preview }: { preview: Preview }) {
  const back = preview.fields.backFields;
  return (
    <div className="w-[320px] max-w-full overflow-hidden rounded-2xl bg-white shadow-lg ring-1 ring-black/10" data-testid="pass-preview-back">
      <div className="border-b border-slate-200 px-4 py-3 text-center">
        <div className="text-sm font-semibold text-slate-900">{preview.organizationName || "Organization"}</div>
        <div className="text-xs text-slate-500">{preview.description}</div>
      </div>
      {back.length ? (
        <dl className="divide-y divide-slate-100">
          {back.map((f) => (
            <div key={f.key} className={`px-4 py-2.5 ${f.empty ? "opacity-50" : ""}`} data-testid={`preview-back-${f.key}`}>
              <dt className="text-xs text-slate-500">{f.label}</dt>
              <dd className="whitespace-pre-wrap break-words text-sm text-slate-900">{f.empty ? "—" : f.value}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="px-4 py-6 text-center text-sm text-slate-500">No back fields.</p>
      )}
    </div>
  );
}

/** The pass's front (default) or back, as Wallet draws its style. */
export function PassPreview({ preview, side = "front" }: { preview: Preview; side?: "front" | "back" }) {
  if (side === "back") return <Back preview={preview} />;
  const { backgroundColor, foregroundColor: fg, labelColor, images, fields, style } = preview;
  const primary = fields.primaryFields;
  const stripStyle = style === "storeCard" || style === "coupon" || style === "eventTicket";
  const hasStrip = !!images.strip && stripStyle;
  const thumbnail = !hasStrip && (style === "eventTicket" || style === "generic") ? images.thumbnail : undefined;
  const blurredBackground = style === "eventTicket" && !hasStrip ? images.background : undefined;
  const primaryRow = (
    <div className="flex gap-4">
      {primary.map((f) => (
        <FieldBlock key={f.key} field={f} color={fg} labelColor={labelColor} size="lg" />
      ))}
    </div>
  );
  let body: React.ReactNode;
  if (style === "boardingPass") {
    const [from, to, ...rest] = primary;
    body = (
      <>
        <div className="flex items-end justify-between gap-2 px-4 py-2" data-testid="preview-primary">
          {from ? <FieldBlock field={from} color={fg} labelColor={labelColor} size="lg" /> : <span />}
          <span className="pb-1 text-2xl" style={{ color: fg }} data-testid="preview-transit">
            {TRANSIT_SYMBOL[preview.transitType ?? "generic"] ?? "→"}
          </span>
          {to ? <FieldBlock field={to} color={fg} labelColor={labelColor} size="lg" align="right" /> : <span />}
        </div>
        {rest.length ? <Row fields={rest} fg={fg} labelColor={labelColor} testId="preview-primary-more" /> : null}
        <Row fields={fields.auxiliaryFields} fg={fg} labelColor={labelColor} testId="preview-auxiliary" />
        <Row fields={fields.secondaryFields} fg={fg} labelColor={labelColor} testId="preview-secondary" />
        {images.footer ? (
          <div className="flex justify-center px-4 pt-2" data-testid="preview-footer">
            <Img src={images.footer} className="max-h-[15px] max-w-full object-contain" />
          </div>
        ) : null}
      </>
    );
  } else if (hasStrip) {
    body = (
      <>
        <div className="relative" data-testid="preview-strip">
          <Img src={images.strip!} className={`block w-full object-cover ${style === "eventTicket" ? "aspect-[375/98]" : "aspect-[375/144]"}`} />
          {primary.length ? (
            <div className="absolute bottom-2 left-3 max-w-[calc(100%-1.5rem)] rounded-lg px-2.5 pb-1 pt-1.5 shadow-sm" style={{ backgroundColor }}>
              {primaryRow}
            </div>
          ) : null}
        </div>
        {style === "eventTicket" ? (
          <>
            <Row fields={fields.secondaryFields} fg={fg} labelColor={labelColor} testId="preview-secondary" />
            <Row fields={fields.auxiliaryFields} fg={fg} labelColor={labelColor} testId="preview-auxiliary" />
          </>
        ) : (
          <Row fields={[...fields.secondaryFields, ...fields.auxiliaryFields]} fg={fg} labelColor={labelColor} testId="preview-fields-below" />
        )}
      </>
    );
  } else if (stripStyle && style !== "eventTicket") {
    body = (
      <>
        {primary.length ? <div className="px-4 py-2" data-testid="preview-primary">{primaryRow}</div> : null}
        <Row fields={[...fields.secondaryFields, ...fields.auxiliaryFields]} fg={fg} labelColor={labelColor} testId="preview-fields-below" />
      </>
    );
  } else {
    // generic and an eventTicket without a strip: primary (and, for an event, secondary) beside the thumbnail
    body = (
      <>
        <div className="flex items-start justify-between gap-3 px-4 py-2" data-testid="preview-primary">
          <div className="min-w-0 space-y-2">
            {primary.length ? primaryRow : null}
            {style === "eventTicket" ? (
              <div className="flex flex-wrap gap-x-4 gap-y-2">
                {fields.secondaryFields.map((f) => (
                  <FieldBlock key={f.key} field={f} color={fg} labelColor={labelColor} />
                ))}
              </div>
            ) : null}
          </div>
          {thumbnail ? <Img src={thumbnail} className="h-[72px] max-w-[72px] shrink-0 rounded object-contain" alt="thumbnail" /> : null}
        </div>
        {style === "eventTicket" ? null : <Row fields={fields.secondaryFields} fg={fg} labelColor={labelColor} testId="preview-secondary" />}
        <Row fields={fields.auxiliaryFields} fg={fg} labelColor={labelColor} testId="preview-auxiliary" />
      </>
    );
  }
  return (
    <div
      className={`relative w-[320px] max-w-full overflow-hidden shadow-lg ring-1 ring-black/10 ${style === "coupon" ? "rounded-md" : "rounded-2xl"}`}
      style={{ backgroundColor }}
      data-testid="pass-preview"
      data-style={style}
    >
      {blurredBackground ? <Img src={blurredBackground} className="pointer-events-none absolute inset-0 h-full w-full scale-110 object-cover opacity-60 blur-md" /> : null}
      {style === "coupon" ? <div className="h-2 w-full bg-[radial-gradient(circle_at_6px_0,white_4px,transparent_5px)] bg-[length:12px_8px]" aria-hidden /> : null}
      <div className="relative">
        <div className="flex items-center justify-between gap-3 px-4 pb-2 pt-3">
          <div className="flex min-w-0 items-center gap-2" data-testid="preview-logo">
            {images.logo ? <Img src={images.logo} alt="logo" className="h-8 max-w-[100px] shrink-0 rounded object-contain" /> : null}
            {preview.logoText ? (
              <span className="truncate text-sm font-semibold" style={{ color: fg }}>
                {preview.logoText}
              </span>
            ) : null}
          </div>
          <div className="flex shrink-0 gap-3" data-testid="preview-header">
            {fields.headerFields.map((f) => (
              <FieldBlock key={f.key} field={f} color={fg} labelColor={labelColor} align="right" />
            ))}
          </div>
        </div>
        {body}
        <div className="flex justify-center px-4 pb-5 pt-3" data-testid="preview-barcode">
          {preview.barcode ? <Barcode barcode={preview.barcode} /> : <span className="text-xs" style={{ color: labelColor }}>no barcode</span>}
        </div>
      </div>
    </div>
  );
}
