import { describe, expect, it } from "vitest";
import { computeMetadata, starterPassTypes } from "./pass-types";

describe("pass types", () => {
  it("starter types are storeCards with typed fields, images at three scales, and different colors", () => {
    const [basic, premium] = starterPassTypes("Acme");
    expect(basic!.fields.find((f) => f.key === "points")).toMatchObject({ type: "number", slot: "primaryFields" });
    expect(Object.keys(basic!.images)).toEqual(expect.arrayContaining(["icon.png", "icon@2x.png", "icon@3x.png", "logo.png", "strip@2x.png"]));
    expect(Buffer.from(basic!.images["icon.png"]!, "base64").subarray(1, 4).toString()).toBe("PNG");
    expect(basic!.template.backgroundColor).not.toBe(premium!.template.backgroundColor);
    const meta = computeMetadata(basic!, { points: 10, tier: "Gold", offer: null });
    expect(meta.layout).toEqual({ primaryFields: ["points"], secondaryFields: ["tier"] });
  });
});
