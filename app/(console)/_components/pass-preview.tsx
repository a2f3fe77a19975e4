"use client";
/** The front of a pass drawn like Wallet shows it (store card layout), from the server's PassPreview. */
import { QRCodeSVG } from "qrcode.react";
import type { PassPreview as Preview, PreviewField } from "@/server/pass-types/preview";

function FieldBlock({ field, color, labelColor, size = "sm", align = "left" }: { field: PreviewField; color: string; labelColor: string; size?: "sm" | "lg"; align?: "left" | "right" }) {
  return (
    <div className={align === "right" ? "text-right" : ""} style={size === "lg" ? { textShadow: "0 1px 2px rgba(0,0,0,0.35)" } : undefined} data-testid={`preview-field-${field.key}`}>
      <div className="text-[10px] font-semibold uppercase tracking-wide" style={{ color: labelColor }}>
        {field.label}
      </div>
      <div className={size === "lg" ? "text-3xl font-light leading-tight" : "text-sm"} style={{ color }}>
        {field.value}
      </div>
    </div>
  );
}

export function PassPreview({ preview }: { preview: Preview }) {
  const { backgroundColor, foregroundColor: fg, labelColor, images, fields } = preview;
  const primary = fields.primaryFields;
  const hasStrip = !!images.strip && (preview.style === "storeCard" || preview.style === "coupon");
  return (
    <div className="w-[320px] overflow-hidden rounded-2xl shadow-lg ring-1 ring-black/10" style={{ backgroundColor }} data-testid="pass-preview">
      <div className="flex items-center justify-between gap-3 px-4 pb-2 pt-3">
        <div className="flex min-w-0 items-center gap-2">
          {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL from the pass type, nothing to optimize */}
          {images.logo ? <img src={images.logo} alt="logo" className="h-8 w-8 rounded object-contain" /> : null}
          {preview.logoText ? (
            <span className="truncate text-sm font-semibold" style={{ color: fg }}>
              {preview.logoText}
            </span>
          ) : null}
        </div>
        <div className="flex gap-3">
          {fields.headerFields.map((f) => (
            <FieldBlock key={f.key} field={f} color={fg} labelColor={labelColor} align="right" />
          ))}
        </div>
      </div>
      {hasStrip ? (
        <div className="relative h-[104px] bg-cover bg-center" style={{ backgroundImage: `url(${images.strip})` }}>
          <div className="absolute inset-0 flex items-end gap-4 px-4 pb-2">
            {primary.map((f) => (
              <FieldBlock key={f.key} field={f} color={fg} labelColor={labelColor} size="lg" />
            ))}
          </div>
        </div>
      ) : (
        <div className="flex gap-4 px-4 py-2">
          {primary.map((f) => (
            <FieldBlock key={f.key} field={f} color={fg} labelColor={labelColor} size="lg" />
          ))}
        </div>
      )}
      <div className="grid grid-cols-2 gap-x-4 gap-y-2 px-4 py-3">
        {[...fields.secondaryFields, ...fields.auxiliaryFields].map((f) => (
          <FieldBlock key={f.key} field={f} color={fg} labelColor={labelColor} />
        ))}
      </div>
      <div className="flex justify-center px-4 pb-5 pt-2">
        <div className="rounded-md bg-white p-2 text-center">
          <QRCodeSVG value={preview.barcode.message} size={112} level="M" />
          {preview.barcode.altText ? <div className="mt-1 font-mono text-[10px] text-slate-700">{preview.barcode.altText}</div> : null}
        </div>
      </div>
    </div>
  );
}
