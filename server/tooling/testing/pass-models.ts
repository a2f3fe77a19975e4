/** Test helper: a starter pass type's prepared model, as builds get it, without a database. */
import { starterPassTypes } from "@/server/pass-types/pass-types";
import { passModel, type PassModel } from "@/server/wallet/pkpass";

/** The model of starter pass type `key` ("basic", "premium") under these identifiers. */
export function starterPassModel(key: "basic" | "premium", passTypeIdentifier: string, teamIdentifier: string): PassModel {
  const def = starterPassTypes("Unit Coffee").find((t) => t.key === key)!;
  return passModel({
    id: `pt-${key}-${passTypeIdentifier}`,
    updatedAt: new Date(0),
    style: def.style,
    passTypeIdentifier,
    teamIdentifier,
    template: def.template as never,
    images: def.images,
    fields: def.fields as never,
  });
}
