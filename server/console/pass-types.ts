/**
 * The pass type editor's use cases: checking a definition being designed (every error and
 * warning by path, nothing written), the blank definition a new pass type starts from, and the
 * choices the editor's form offers, all from the one definition schema
 * (server/pass-types/definition.ts). Saving and publishing are server/passes/revisions.ts.
 */
import { DomainError, type DomainFieldError } from "@/server/platform/errors";
import {
  BARCODE_ENCODINGS,
  BARCODE_FORMATS,
  DATA_DETECTOR_TYPES,
  DATE_STYLES,
  FIELD_SLOTS,
  FIELD_TYPES,
  MAX_BEACONS,
  MAX_LOCATIONS,
  NUMBER_STYLES,
  PASS_STYLES,
  TEXT_ALIGNMENTS,
  TRANSIT_TYPES,
  validateDefinition,
  type PassTypeDefinition,
} from "@/server/pass-types/definition";
import { APPLE_IMAGE_SIZES, IMAGE_ROLES } from "@/server/pass-types/images";
import { getTenant } from "@/server/tenants/tenants";

/** What checking a definition found: `errors` refuse a save, `warnings` are Apple's recommendations. */
export interface DefinitionCheck {
  valid: boolean;
  errors: DomainFieldError[];
  warnings: DomainFieldError[];
}

/**
 * Checks a definition (any JSON) as saving it would, for the tenant's custom identifiers, and
 * writes nothing. A refused definition is an answer here (`errors`), not a throw.
 * @throws DomainError tenant_not_found
 */
export async function checkPassTypeDefinition(tenantRef: string, definition: unknown): Promise<DefinitionCheck> {
  const tenant = await getTenant(tenantRef);
  try {
    const { warnings } = validateDefinition(definition, { customIdentifierKeys: tenant.customIdentifierKeys });
    return { valid: true, errors: [], warnings };
  } catch (err) {
    if (err instanceof DomainError && err.code === "invalid_input") return { valid: false, errors: err.errors ?? [{ field: err.field ?? "definition", message: err.message }], warnings: [] };
    throw err;
  }
}

/** The definition a new pass type of the tenant starts from: a store card in Passflow's teal, no images and no fields yet. @throws DomainError tenant_not_found */
export async function blankPassTypeDefinition(tenantRef: string): Promise<PassTypeDefinition> {
  const tenant = await getTenant(tenantRef);
  return {
    style: "storeCard",
    organizationName: tenant.name,
    description: `${tenant.name} pass`,
    logoText: tenant.name,
    backgroundColor: "rgb(16, 122, 122)",
    foregroundColor: "rgb(255, 255, 255)",
    labelColor: "rgb(236, 248, 246)",
    images: {},
    fields: [],
  };
}

/** The choices of the editor's form, from the definition schema and Apple's image table. */
export const EDITOR_VOCABULARY = {
  styles: PASS_STYLES,
  transitTypes: TRANSIT_TYPES,
  fieldTypes: FIELD_TYPES,
  slots: FIELD_SLOTS,
  dateStyles: DATE_STYLES,
  numberStyles: NUMBER_STYLES,
  textAlignments: TEXT_ALIGNMENTS,
  dataDetectorTypes: DATA_DETECTOR_TYPES,
  barcodeFormats: BARCODE_FORMATS,
  barcodeEncodings: BARCODE_ENCODINGS,
  maxLocations: MAX_LOCATIONS,
  maxBeacons: MAX_BEACONS,
  imageRoles: IMAGE_ROLES,
  imageSizes: APPLE_IMAGE_SIZES,
};
export type EditorVocabulary = typeof EDITOR_VOCABULARY;
