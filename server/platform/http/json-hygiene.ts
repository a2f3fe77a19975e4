/**
 * JSON hygiene: what parsed JSON may hold that can never be stored. JSON allows the escapes
 * `\u0000` and lone surrogates (`\ud800`), PostgreSQL text and jsonb refuse both; a `__proto__`
 * key is refused rather than ever merged. (Invalid UTF-8 never gets this far: the body reader
 * refuses it, ./body.ts.)
 */
import type { FieldError } from "./problem";

/** A UTF-16 surrogate without its pair. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Why a key or string cannot be stored, if it cannot. */
export function unstorableText(text: string): string | undefined {
  if (text.includes("\u0000")) return "the NUL character (\\u0000)";
  if (LONE_SURROGATE.test(text)) return "an unpaired UTF-16 surrogate (\\ud800-\\udfff)";
  return undefined;
}

/**
 * The first value of parsed JSON that can never be stored, as the field at fault (a dotted
 * path, `body` for the top level): a `__proto__` key, or a key or string holding a NUL character
 * or an unpaired UTF-16 surrogate. Undefined when there is none. Walks the whole value without
 * recursion, so depth cannot overflow it.
 */
export function unstorable(body: unknown): FieldError | undefined {
  type Node = { value: unknown; key?: string; parent?: Node };
  const at = (node: Node | undefined, key?: string) => {
    const path = key === undefined ? [] : [key];
    for (let n = node; n?.key !== undefined; n = n.parent) path.push(n.key);
    return path.length ? path.reverse().join(".") : "body";
  };
  const pending: Node[] = [{ value: body }];
  for (let node = pending.pop(); node; node = pending.pop()) {
    const { value } = node;
    if (typeof value === "string") {
      const reason = unstorableText(value);
      if (reason) return { field: at(node), message: `must not contain ${reason}` };
      continue;
    }
    if (!value || typeof value !== "object") continue;
    const keys = Object.keys(value);
    for (const key of keys) {
      if (key === "__proto__") return { field: at(node, key), message: "reserved key" };
      const reason = unstorableText(key);
      if (reason) return { field: at(node), message: `keys must not contain ${reason}` };
    }
    for (let i = keys.length - 1; i >= 0; i--) pending.push({ value: (value as Record<string, unknown>)[keys[i]!], key: keys[i]!, parent: node });
  }
  return undefined;
}
