"use client";
/**
 * The front of a pass drawn the way Wallet lays out a store card, from the server's PassPreview:
 * logo and logo text top left, header fields top right, the strip image with the primary field
 * over it, secondary and auxiliary fields in a row below, the barcode at the bottom. The primary
 * field sits on a plate of the pass's background color over the strip (Wallet's 375×144 store
 * card proportion), so its label and value, in the pass's label and foreground colors, read
 * whatever the strip image holds.
 */
import { QRCodeSVG } from "qrcode.react";
import type { PassPreview as Preview, PreviewField } from "@/server/pass-types/preview";

function FieldBlock({ field, color, labelColor, size = "sm", align = "left" }: { field: PreviewField; color: string; labelColor: string; size?: "sm" | "lg"; align?: "left" | "right" }) {
  return (
    <div className={`min-w-0 ${align === "right" ? "text-right" : ""}`} data-testid={`preview-field-${field.key}`}>
      <div className="truncate text-[10px] font-semibold uppercase tracking-wide" style={{ color: labelColor }} data-testid="field-label">
        {field.label}
      </div>
      <div className={`truncate ${size === "lg" ? "text-[28px] font-light leading-8" : "text-sm"}`} style={{ color }} data-testid="field-value">
        {field.value}
      </div>
    </div>
  );
}

export function PassPreview({ preview }: { preview: Preview }) {
  const { backgroundColor, foregroundColor: fg, labelColor, images, fields } = preview;
  const primary = fields.primaryFields;
  const below = [...fields.secondaryFields, ...fields.auxiliaryFields];
  const hasStrip = !!images.strip && (preview.style === "storeCard" || preview.style === "coupon");
  const primaryRow = (
    <div className="flex gap-4">
      {primary.map((f) => (
        <FieldBlock key={f.key} field={f} color={fg} labelColor={labelColor} size="lg" />
      ))}
    </div>
  );
  return (
    <div className="w-[320px] max-w-full overflow-hidden rounded-2xl shadow-lg ring-1 ring-black/10" style={{ backgroundColor }} data-testid="pass-preview">
      <div className="flex items-center justify-between gap-3 px-4 pb-2 pt-3">
        <div className="flex min-w-0 items-center gap-2" data-testid="preview-logo">
          {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL from the pass type, nothing to optimize */}
          {images.logo ? <img src={images.logo} alt="logo" className="h-8 w-8 shrink-0 rounded object-contain" /> : null}
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
      {hasStrip ? (
        <div className="relative" data-testid="preview-strip">
          {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL from the pass type, nothing to optimize */}
          <img src={images.strip} alt="" className="block aspect-[375/144] w-full object-cover" />
          {primary.length ? (
            <div className="absolute bottom-2 left-3 max-w-[calc(100%-1.5rem)] rounded-lg px-2.5 pb-1 pt-1.5 shadow-sm" style={{ backgroundColor }}>
              {primaryRow}
            </div>
          ) : null}
        </div>
      ) : primary.length ? (
        <div className="px-4 py-2">{primaryRow}</div>
      ) : null}
      {below.length ? (
        <div className="flex flex-wrap justify-between gap-x-4 gap-y-2 px-4 py-3" data-testid="preview-fields-below">
          {below.map((f, i) => (
            <FieldBlock key={f.key} field={f} color={fg} labelColor={labelColor} align={i === below.length - 1 && below.length > 1 ? "right" : "left"} />
          ))}
        </div>
      ) : null}
      <div className="flex justify-center px-4 pb-5 pt-2" data-testid="preview-barcode">
        <div className="rounded-md bg-white p-2 text-center">
          <QRCodeSVG value={preview.barcode.message} size={112} level="M" />
          {preview.barcode.altText ? <div className="mt-1 font-mono text-[10px] text-slate-700">{preview.barcode.altText}</div> : null}
        </div>
      </div>
    </div>
  );
}
