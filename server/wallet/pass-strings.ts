/**
 * A language's `pass.strings` (`fr.lproj/pass.strings`): the translations Wallet looks up for the
 * pass.json texts it shows (labels, values, changeMessages, relevantText…), as Apple's strings
 * file format: `"key" = "value";` lines, `/* comments *\/` and `//` comments, backslash escapes.
 * Written in UTF-16 (little-endian, with a byte order mark) as Apple's "Creating the source for a
 * pass" (Localizing a pass) requires; read in UTF-16 (either byte order) or UTF-8.
 *
 * passkit-generator's `pass.localize(lang, strings)` would write UTF-8 and no escapes (a value
 * with a `"` breaks the file), hence this module.
 */

const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", n: "\n", t: "\t", r: "\r", "0": "\0" };

function quote(text: string): string {
  return `"${text.replace(/["\\\n\t\r\0]/g, (c) => ({ '"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0" })[c]!)}"`;
}

/** The UTF-16LE bytes (BOM first) of a strings file holding `strings`, one `"key" = "value";` line each, in order. */
export function encodePassStrings(strings: Record<string, string>): Buffer {
  const text = Object.entries(strings)
    .map(([k, v]) => `${quote(k)} = ${quote(v)};\n`)
    .join("");
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
}

/** The text of a strings file: UTF-16 by its byte order mark (LE or BE), otherwise UTF-8 (a UTF-8 BOM skipped). */
export function decodeStringsText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString("utf16le");
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2));
    swapped.swap16();
    return swapped.toString("utf16le");
  }
  const text = bytes.toString("utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * The translations of a strings file (UTF-16 or UTF-8), in file order.
 * @throws Error naming the line of the first syntax error (`line 3: expected "="`)
 */
export function parsePassStrings(bytes: Buffer): Record<string, string> {
  const text = decodeStringsText(bytes);
  const out: Record<string, string> = {};
  let i = 0;
  const line = () => text.slice(0, i).split("\n").length;
  const fail = (what: string): never => {
    throw new Error(`line ${line()}: ${what}`);
  };
  const skip = () => {
    for (;;) {
      while (i < text.length && /\s/.test(text[i]!)) i++;
      if (text.startsWith("/*", i)) {
        const end = text.indexOf("*/", i + 2);
        if (end < 0) fail("unterminated comment");
        i = end + 2;
      } else if (text.startsWith("//", i)) {
        while (i < text.length && text[i] !== "\n") i++;
      } else return;
    }
  };
  const string = (): string => {
    if (text[i] !== '"') fail('expected a "quoted string"');
    i++;
    let s = "";
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\") {
        const c = text[i + 1] ?? "";
        if (c === "U" || c === "u") {
          const hex = /^[0-9A-Fa-f]{4}/.exec(text.slice(i + 2))?.[0] ?? fail("\\U needs 4 hex digits");
          s += String.fromCharCode(parseInt(hex, 16));
          i += 6;
          continue;
        }
        s += ESCAPES[c] ?? c;
        i += 2;
      } else s += text[i++];
    }
    if (i >= text.length) fail("unterminated string");
    i++;
    return s;
  };
  for (skip(); i < text.length; skip()) {
    const key = string();
    skip();
    if (text[i] !== "=") fail('expected "="');
    i++;
    skip();
    const value = string();
    skip();
    if (text[i] !== ";") fail('expected ";"');
    i++;
    out[key] = value;
  }
  return out;
}
