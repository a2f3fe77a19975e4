/**
 * Pass images and Apple's sizes for them, in one table. A pass type's images are PNG files named
 * as Wallet names them in a pass bundle: `<role>[@2x|@3x].png` (`icon.png`, `strip@2x.png`),
 * stored as base64.
 *
 * Sizes are Apple's, in points at @1x (a @2x file has twice the pixels, a @3x three times):
 * Apple "Wallet Developer Guide: Pass Design and Creation" (Images: "The allotted space is …")
 * and "Creating the source for a pass" (developer.apple.com/documentation/walletpasses/
 * creating-the-source-for-a-pass, which images each style shows).
 *
 * | role       | styles                                     | size (points)                                   | rule                        |
 * |------------|--------------------------------------------|-------------------------------------------------|-----------------------------|
 * | icon       | all (required: Wallet refuses a pass without one) | 29 × 29                                  | exact                       |
 * | logo       | all                                        | at most 160 × 50 ("in most cases narrower")     | at most                     |
 * | strip      | storeCard, coupon (375 × 144), eventTicket (375 × 98) | at most the allotted space; 375 wide recommended | at most; warn when not 375 wide |
 * | thumbnail  | eventTicket, generic                       | at most 90 × 90, aspect 2:3 to 3:2 recommended  | at most; warn on the aspect |
 * | background | eventTicket                                | 180 × 220 recommended (cropped and blurred)     | warn                        |
 * | footer     | boardingPass                               | at most 286 × 15                                | at most                     |
 *
 * An eventTicket with a strip shows no background or thumbnail (Apple: "If you specify a strip
 * image, do not specify a background image or a thumbnail"), so that combination is refused.
 */
import { PNG } from "pngjs";

export type PassStyle = "storeCard" | "coupon" | "generic" | "eventTicket" | "boardingPass";
export type ImageRole = "icon" | "logo" | "strip" | "thumbnail" | "background" | "footer";

export const IMAGE_ROLES: readonly ImageRole[] = ["icon", "logo", "strip", "thumbnail", "background", "footer"];
export const IMAGE_SCALES = [1, 2, 3] as const;

interface ImageRule {
  width: number;
  height: number;
  /** exact: refused unless exactly this; max: refused when larger; recommended: a warning only. */
  rule: "exact" | "max" | "recommended";
  /** Width Apple recommends filling (warn otherwise). */
  recommendedWidth?: number;
  /** Recommended aspect range (width / height), warn outside it. */
  aspect?: [number, number];
}

/** Apple's sizes per style and image role, in points at @1x (module comment). */
export const APPLE_IMAGE_SIZES: Record<PassStyle, Partial<Record<ImageRole, ImageRule>>> = {
  storeCard: {
    icon: { width: 29, height: 29, rule: "exact" },
    logo: { width: 160, height: 50, rule: "max" },
    strip: { width: 375, height: 144, rule: "max", recommendedWidth: 375 },
  },
  coupon: {
    icon: { width: 29, height: 29, rule: "exact" },
    logo: { width: 160, height: 50, rule: "max" },
    strip: { width: 375, height: 144, rule: "max", recommendedWidth: 375 },
  },
  eventTicket: {
    icon: { width: 29, height: 29, rule: "exact" },
    logo: { width: 160, height: 50, rule: "max" },
    strip: { width: 375, height: 98, rule: "max", recommendedWidth: 375 },
    thumbnail: { width: 90, height: 90, rule: "max", aspect: [2 / 3, 3 / 2] },
    background: { width: 180, height: 220, rule: "recommended" },
  },
  generic: {
    icon: { width: 29, height: 29, rule: "exact" },
    logo: { width: 160, height: 50, rule: "max" },
    thumbnail: { width: 90, height: 90, rule: "max", aspect: [2 / 3, 3 / 2] },
  },
  boardingPass: {
    icon: { width: 29, height: 29, rule: "exact" },
    logo: { width: 160, height: 50, rule: "max" },
    footer: { width: 286, height: 15, rule: "max" },
  },
};

const IMAGE_NAME = /^(icon|logo|strip|thumbnail|background|footer)(?:@([23])x)?\.png$/;

/** The role and scale an image file name stands for, or null when Wallet has no such image. */
export function parseImageName(name: string): { role: ImageRole; scale: 1 | 2 | 3 } | null {
  const m = IMAGE_NAME.exec(name);
  if (!m) return null;
  return { role: m[1] as ImageRole, scale: (m[2] ? Number(m[2]) : 1) as 1 | 2 | 3 };
}

/** The file name of a role at a scale (`strip`, 2 → `strip@2x.png`). */
export function imageName(role: ImageRole, scale: 1 | 2 | 3): string {
  return `${role}${scale === 1 ? "" : `@${scale}x`}.png`;
}

/** A problem with one image: `path` names it (`images.strip@2x.png`, `localizations.fr.images.logo.png`). */
export interface ImageIssue {
  path: string;
  message: string;
}

/** The pixel size of a PNG, or null when the bytes are not a PNG pngjs can read. */
export function pngSize(bytes: Buffer): { width: number; height: number } | null {
  try {
    const png = PNG.sync.read(bytes);
    return { width: png.width, height: png.height };
  } catch {
    return null;
  }
}

/**
 * Checks a set of images (file name → base64 PNG) against Apple's table for `style`.
 * `errors` refuse the definition (an unknown name, a role the style does not show, bytes that are
 * not a PNG, a size outside Apple's rule, naming the expected size); `warnings` are Apple's
 * recommendations. `requireIcon` is false for a language's images (the icon comes from the
 * pass's own images).
 */
export function checkImages(
  images: Record<string, string>,
  style: PassStyle,
  opts: { pathPrefix: string; requireIcon: boolean },
): { errors: ImageIssue[]; warnings: ImageIssue[] } {
  const errors: ImageIssue[] = [];
  const warnings: ImageIssue[] = [];
  const sizes = APPLE_IMAGE_SIZES[style];
  const roles = new Set<ImageRole>();
  for (const [name, b64] of Object.entries(images)) {
    const path = `${opts.pathPrefix}.${name}`;
    const parsed = parseImageName(name);
    if (!parsed) {
      errors.push({ path, message: `not a Wallet image name: use ${IMAGE_ROLES.join(", ")} as <name>.png, <name>@2x.png or <name>@3x.png` });
      continue;
    }
    const rule = sizes[parsed.role];
    if (!rule) {
      errors.push({ path, message: `a ${style} shows no ${parsed.role} image (it shows ${Object.keys(sizes).join(", ")})` });
      continue;
    }
    roles.add(parsed.role);
    const size = typeof b64 === "string" ? pngSize(Buffer.from(b64, "base64")) : null;
    if (!size) {
      errors.push({ path, message: "is not a PNG image" });
      continue;
    }
    const w = rule.width * parsed.scale;
    const h = rule.height * parsed.scale;
    const got = `${size.width}×${size.height} px`;
    if (rule.rule === "exact" && (size.width !== w || size.height !== h)) {
      errors.push({ path, message: `is ${got}; Apple's ${parsed.role} at @${parsed.scale}x is ${w}×${h} px` });
    } else if (rule.rule === "max" && (size.width > w || size.height > h)) {
      errors.push({ path, message: `is ${got}; Apple's ${parsed.role} for a ${style} at @${parsed.scale}x is at most ${w}×${h} px` });
    } else if (rule.rule === "recommended" && (size.width !== w || size.height !== h)) {
      warnings.push({ path, message: `is ${got}; Apple recommends ${w}×${h} px for the ${parsed.role} at @${parsed.scale}x` });
    }
    if (rule.recommendedWidth && size.width !== rule.recommendedWidth * parsed.scale && size.width <= w) {
      warnings.push({ path, message: `is ${size.width} px wide; Apple recommends ${rule.recommendedWidth * parsed.scale} px at @${parsed.scale}x (Wallet scales it to the pass width)` });
    }
    if (rule.aspect && (size.width / size.height < rule.aspect[0] || size.width / size.height > rule.aspect[1])) {
      warnings.push({ path, message: `has an aspect ratio outside 2:3 to 3:2, which Wallet crops` });
    }
  }
  if (opts.requireIcon && !images["icon.png"] && !images["icon@2x.png"] && !images["icon@3x.png"]) {
    errors.push({ path: `${opts.pathPrefix}.icon.png`, message: "an icon is required: Wallet refuses a pass without icon.png (29×29 px, with icon@2x.png 58×58 and icon@3x.png 87×87)" });
  }
  if (style === "eventTicket" && roles.has("strip") && (roles.has("background") || roles.has("thumbnail"))) {
    errors.push({ path: `${opts.pathPrefix}.strip.png`, message: "an eventTicket with a strip shows no background or thumbnail: give one or the other" });
  }
  return { errors, warnings };
}
