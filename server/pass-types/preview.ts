/**
 * What the front (and back) of a pass shows, computed from its pass type and data: colors, logo,
 * strip, the fields in Apple's slots with their values formatted by field type, and the barcode.
 * The console draws its preview from this; no browser or Next.js code here.
 */
import { fieldDefinitions, passImages, passTemplate, type FieldDefinition, type FieldSlot, type PassMetadata, type PassTemplate } from "./pass-types";

export interface PreviewField {
  key: string;
  label: string;
  value: string;
}

export interface PassPreview {
  style: string;
  organizationName: string;
  description: string;
  logoText: string | null;
  backgroundColor: string;
  foregroundColor: string;
  labelColor: string;
  /** data: URLs of the images the front shows (the @2x variant when present). */
  images: { logo?: string; strip?: string; icon?: string; thumbnail?: string; background?: string };
  fields: Record<FieldSlot, PreviewField[]>;
  barcode: { format: "PKBarcodeFormatQR"; message: string; altText: string | null };
}

const SLOTS: FieldSlot[] = ["headerFields", "primaryFields", "secondaryFields", "auxiliaryFields", "backFields"];

/** A field value as Wallet would show it (numbers grouped, currency with its code, dates medium). */
export function formatFieldValue(def: Pick<FieldDefinition, "type" | "currencyCode">, value: unknown): string {
  if (value === null || value === undefined) return "";
  const n = typeof value === "number" ? value : Number(value);
  switch (def.type) {
    case "number":
      return Number.isFinite(n) ? new Intl.NumberFormat("en-US").format(n) : String(value);
    case "currency":
      return Number.isFinite(n) ? new Intl.NumberFormat("en-US", { style: "currency", currency: def.currencyCode ?? "USD" }).format(n) : String(value);
    case "date": {
      const d = new Date(String(value));
      return Number.isNaN(d.getTime()) ? String(value) : new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }).format(d);
    }
    default:
      return String(value);
  }
}

function image(images: Record<string, string>, name: string): string | undefined {
  const b64 = images[`${name}@2x.png`] ?? images[`${name}.png`];
  return b64 ? `data:image/png;base64,${b64}` : undefined;
}

/** The preview of a pass from its pass type, data and metadata. */
export function passPreview(input: {
  serialNumber: string;
  passType: { style: string; template: unknown; images: unknown; fields: unknown };
  data: unknown;
  metadata: unknown;
  barcodeAltText?: string | null;
}): PassPreview {
  const template = passTemplate<PassTemplate & { barcodes?: { message?: string }[] }>(input.passType);
  const metadata = (input.metadata ?? {}) as Partial<PassMetadata>;
  const images = passImages(input.passType);
  const defs = fieldDefinitions(input.passType);
  const data = (input.data ?? {}) as Record<string, unknown>;
  const fields = Object.fromEntries(SLOTS.map((s) => [s, [] as PreviewField[]])) as Record<FieldSlot, PreviewField[]>;
  for (const def of defs) {
    const value = data[def.key] ?? def.default; // as a build shows it
    if (value === undefined || value === null || value === "") continue;
    fields[def.slot].push({ key: def.key, label: def.label, value: formatFieldValue(def, value) });
  }
  return {
    style: metadata.style ?? input.passType.style,
    organizationName: template.organizationName ?? "",
    description: template.description ?? "",
    logoText: template.logoText ?? null,
    backgroundColor: metadata.backgroundColor ?? template.backgroundColor ?? "rgb(255, 255, 255)",
    foregroundColor: metadata.foregroundColor ?? template.foregroundColor ?? "rgb(0, 0, 0)",
    labelColor: metadata.labelColor ?? template.labelColor ?? "rgb(80, 80, 80)",
    images: {
      logo: image(images, "logo"),
      strip: image(images, "strip"),
      icon: image(images, "icon"),
      thumbnail: image(images, "thumbnail"),
      background: image(images, "background"),
    },
    fields,
    barcode: {
      format: "PKBarcodeFormatQR",
      message: template.barcodes?.[0]?.message ?? input.serialNumber,
      altText: input.barcodeAltText ?? null,
    },
  };
}
