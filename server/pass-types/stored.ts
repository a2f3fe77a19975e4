/**
 * A PassType row's columns and the definition they hold (server/pass-types/definition.ts, module
 * comment): the published definition is kept as `style`, `images`, `fields` and everything else
 * in `template`. Type-only imports: the console's preview reads these in the browser.
 */
import type { FieldDefinition, PassTypeDefinition } from "./definition";
import type { PassStyle } from "./images";

/** The texts and colors of a template. */
export interface PassTemplate {
  organizationName: string;
  description: string;
  logoText?: string;
  backgroundColor: string;
  foregroundColor: string;
  labelColor: string;
}

/** A stored pass type row's JSON columns (Prisma types them as JsonValue). */
export interface StoredPassType {
  template: unknown;
  images: unknown;
  fields: unknown;
}

/** The field definitions of a stored pass type (written from its definition's fields). */
export function fieldDefinitions(passType: Pick<StoredPassType, "fields">): FieldDefinition[] {
  return (passType.fields ?? []) as FieldDefinition[];
}

/** The template (colors, texts, barcode) of a stored pass type. */
export function passTemplate<T extends PassTemplate = PassTemplate>(passType: Pick<StoredPassType, "template">): T {
  return (passType.template ?? {}) as T;
}

/** The images of a stored pass type: file name (`icon@2x.png`) → base64 PNG. */
export function passImages(passType: Pick<StoredPassType, "images">): Record<string, string> {
  return (passType.images ?? {}) as Record<string, string>;
}

/** The stored PassType columns a definition is kept in (module comment). */
export interface PassTypeColumns {
  style: PassStyle;
  template: Record<string, unknown>;
  images: Record<string, string>;
  fields: FieldDefinition[];
}

/** A definition as the PassType columns that hold it. */
export function definitionColumns(definition: PassTypeDefinition): PassTypeColumns {
  const { style, images, fields, ...template } = definition;
  return { style, template, images, fields };
}

/**
 * The definition a PassType row holds (its columns as `definitionColumns` wrote them, or a row
 * from before definitions: its template's colors and texts, images and fields). Not validated:
 * what is stored was validated when saved.
 */
export function definitionOf(row: { style: string; template: unknown; images: unknown; fields: unknown }): PassTypeDefinition {
  return {
    ...((row.template ?? {}) as Omit<PassTypeDefinition, "style" | "images" | "fields">),
    style: row.style as PassStyle,
    images: (row.images ?? {}) as Record<string, string>,
    fields: (row.fields ?? []) as FieldDefinition[],
  };
}
