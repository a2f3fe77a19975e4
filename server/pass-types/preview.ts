/**
 * What the front (and back) of a pass shows, computed from its pass type and data: colors, logo,
 * strip, thumbnail, footer, the fields in Apple's slots with their values formatted by field type
 * (as a build fills them: the pass's value, else the field's default), the barcode rendered from
 * the definition's template, and the texts in one language (the definition's pass.strings, as
 * Wallet looks them up). The console draws the pass page's preview and the pass type editor's
 * live preview from this. Imports are pure (no Node, no Next.js), so the editor runs it in the
 * browser on every change.
 */
import type { FieldDefinition, FieldSlot, PassTypeDefinition } from "./definition";
import type { PassMetadata } from "./pass-types";
import { definitionColumns, fieldDefinitions, passImages, passTemplate, type PassTemplate } from "./stored";
import { DEFAULT_BARCODE, renderTemplate } from "./templates";

export interface PreviewField {
  key: string;
  label: string;
  value: string;
  /** True when the field has no value yet (the editor shows it dimmed; a build leaves it out). */
  empty?: boolean;
  textAlignment?: FieldDefinition["textAlignment"];
}

export interface PassPreview {
  style: string;
  transitType: string | null;
  organizationName: string;
  description: string;
  logoText: string | null;
  backgroundColor: string;
  foregroundColor: string;
  labelColor: string;
  /** data: URLs of the images the pass shows (the @2x variant when present). */
  images: { logo?: string; strip?: string; icon?: string; thumbnail?: string; background?: string; footer?: string };
  fields: Record<FieldSlot, PreviewField[]>;
  /** null: the pass shows no barcode. */
  barcode: { format: "QR" | "PDF417" | "Aztec" | "Code128"; message: string; altText: string | null } | null;
}

const SLOTS: FieldSlot[] = ["headerFields", "primaryFields", "secondaryFields", "auxiliaryFields", "backFields"];

const INTL_STYLE = { short: "short", medium: "medium", long: "long", full: "full" } as const;

/** A field value as Wallet would show it (numbers grouped, currency with its code, dates in the field's date and time styles). */
export function formatFieldValue(def: Pick<FieldDefinition, "type" | "currencyCode" | "dateStyle" | "timeStyle" | "numberStyle">, value: unknown, locale = "en-US"): string {
  if (value === null || value === undefined) return "";
  const n = typeof value === "number" ? value : Number(value);
  try {
    switch (def.type) {
      case "number":
        if (!Number.isFinite(n)) return String(value);
        if (def.numberStyle === "percent") return new Intl.NumberFormat(locale, { style: "percent" }).format(n);
        if (def.numberStyle === "scientific") return new Intl.NumberFormat(locale, { notation: "scientific" }).format(n);
        return new Intl.NumberFormat(locale).format(n);
      case "currency":
        return Number.isFinite(n) ? new Intl.NumberFormat(locale, { style: "currency", currency: def.currencyCode ?? "USD" }).format(n) : String(value);
      case "date": {
        const d = new Date(String(value));
        if (Number.isNaN(d.getTime())) return String(value);
        const dateStyle = def.dateStyle === "none" ? undefined : INTL_STYLE[def.dateStyle ?? "medium"];
        const timeStyle = def.timeStyle && def.timeStyle !== "none" ? INTL_STYLE[def.timeStyle] : undefined;
        if (!dateStyle && !timeStyle) return "";
        return new Intl.DateTimeFormat(locale, { dateStyle, timeStyle, timeZone: "UTC" }).format(d);
      }
      default:
        return String(value);
    }
  } catch {
    return String(value); // a currency code Intl does not know, a locale it cannot read
  }
}

function image(images: Record<string, string>, name: string): string | undefined {
  const b64 = images[`${name}@2x.png`] ?? images[`${name}.png`] ?? images[`${name}@3x.png`];
  return b64 ? `data:image/png;base64,${b64}` : undefined;
}

type StoredTemplate = PassTemplate & Pick<PassTypeDefinition, "barcode" | "transitType" | "localizations">;

/** The preview of a pass from its pass type, data and metadata. */
export function passPreview(input: {
  serialNumber: string;
  passType: { style: string; template: unknown; images: unknown; fields: unknown };
  data: unknown;
  metadata: unknown;
  /** The customer's id and custom identifiers, for the barcode template. */
  customerId?: string | null;
  identifiers?: Record<string, string>;
  /** A language of the definition's localizations: its translations replace the texts. */
  language?: string;
  /** Also list fields without a value (`empty`), as the editor shows them. */
  showEmpty?: boolean;
}): PassPreview {
  const template = passTemplate<StoredTemplate>(input.passType);
  const metadata = (input.metadata ?? {}) as Partial<PassMetadata>;
  const images = { ...passImages(input.passType), ...(input.language ? template.localizations?.[input.language]?.images : undefined) };
  const strings = (input.language && template.localizations?.[input.language]?.strings) || {};
  const t = (text: string) => strings[text] ?? text;
  const locale = input.language ?? "en-US";
  const defs = fieldDefinitions(input.passType);
  const data = (input.data ?? {}) as Record<string, unknown>;
  const fields = Object.fromEntries(SLOTS.map((s) => [s, [] as PreviewField[]])) as Record<FieldSlot, PreviewField[]>;
  for (const def of defs) {
    const value = data[def.key] ?? def.default; // as a build shows it
    const empty = value === undefined || value === null || value === "";
    if (empty && !input.showEmpty) continue;
    const shown = empty ? "" : def.type === "text" ? t(String(value)) : formatFieldValue(def, value, locale);
    fields[def.slot].push({ key: def.key, label: t(def.label), value: shown, ...(empty ? { empty: true } : {}), ...(def.textAlignment ? { textAlignment: def.textAlignment } : {}) });
  }
  const barcode = template.barcode === null ? null : (template.barcode ?? DEFAULT_BARCODE);
  const values = { serialNumber: input.serialNumber, customerId: input.customerId ?? null, identifiers: input.identifiers ?? {} };
  return {
    style: metadata.style ?? input.passType.style,
    transitType: template.transitType ?? null,
    organizationName: t(template.organizationName ?? ""),
    description: t(template.description ?? ""),
    logoText: template.logoText ? t(template.logoText) : null,
    backgroundColor: metadata.backgroundColor ?? template.backgroundColor ?? "rgb(255, 255, 255)",
    foregroundColor: metadata.foregroundColor ?? template.foregroundColor ?? "rgb(0, 0, 0)",
    labelColor: metadata.labelColor ?? template.labelColor ?? "rgb(80, 80, 80)",
    images: {
      logo: image(images, "logo"),
      strip: image(images, "strip"),
      icon: image(images, "icon"),
      thumbnail: image(images, "thumbnail"),
      background: image(images, "background"),
      footer: image(images, "footer"),
    },
    fields,
    barcode: barcode
      ? {
          format: barcode.format,
          message: renderTemplate(barcode.message, values),
          altText: barcode.altText !== undefined && barcode.altText !== "" ? t(renderTemplate(barcode.altText, values)) : null,
        }
      : null,
  };
}

/** A sample pass the editor previews a definition with. */
export const PREVIEW_SAMPLE = { serialNumber: "PREVIEW-0001", customerId: "C-1001" } as const;

/**
 * The preview of a definition being designed (not yet valid, perhaps): every field in its slot
 * with its default (fields without one dimmed), the barcode rendered for a sample customer, the
 * texts in `language`.
 */
export function definitionPreview(definition: PassTypeDefinition, opts: { language?: string; identifiers?: Record<string, string> } = {}): PassPreview {
  return passPreview({
    serialNumber: PREVIEW_SAMPLE.serialNumber,
    passType: definitionColumns({ ...definition, fields: definition.fields ?? [], images: definition.images ?? {} }),
    data: {},
    metadata: {},
    customerId: PREVIEW_SAMPLE.customerId,
    identifiers: opts.identifiers,
    language: opts.language,
    showEmpty: true,
  });
}
