/**
 * A small in-process cache whose entries expire after a time to live read at each write (so a
 * TTL of 0 turns it off), bounded in entries (the oldest written goes first). What the listeners
 * remember between requests: verified API keys (server/tenants/api-keys.ts) and tenants
 * (server/tenants/tenants.ts). Callers keep their instance on globalThis, so every Next.js route
 * bundle of the process shares it and the code that changes a value can drop it.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();

  constructor(
    private readonly ttlMs: () => number,
    private readonly maxEntries = 10_000,
  ) {}

  /** The value stored under `key` within its TTL, if any. */
  get(key: string, now = Date.now()): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until > now) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  /** Stores `value` under `key` for the TTL (nothing when the TTL is 0). */
  set(key: string, value: V, now = Date.now()): void {
    const ttl = this.ttlMs();
    if (ttl <= 0) return;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, until: now + ttl });
  }

  /** Drops every entry whose value matches (e.g. the row that just changed, under any key). */
  deleteWhere(matches: (value: V) => boolean): void {
    for (const [key, entry] of this.entries) if (matches(entry.value)) this.entries.delete(key);
  }
}
