/**
 * The .pkpass build cache: each pass version is built once per process, however many devices
 * download it. Keyed by pass id and versionTag (plus the pass type and certificate revisions, so
 * an edited template or a new certificate is picked up). Concurrent requests for a key that is
 * being built wait for that one build. Bounded in bytes; least recently used entries go first.
 *
 * The cache is a speed-up, never the source of truth: any instance rebuilds a version it lacks.
 * The process-wide cache reports its hits and builds to the metrics (`passflow_pkpass_*`).
 */
import { metrics } from "@/server/platform/metrics";

export interface BuildCacheStats {
  builds: number;
  hits: number;
  entries: number;
  bytes: number;
}

/** Told of each hit and each completed build (with its duration in seconds). */
export interface BuildCacheObserver {
  hit(): void;
  built(seconds: number): void;
}

export class BuildCache {
  private readonly done = new Map<string, Buffer>();
  private readonly pending = new Map<string, Promise<Buffer>>();
  private bytes = 0;
  private builds = 0;
  private hits = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly observer?: BuildCacheObserver,
  ) {}

  /**
   * The bytes for `key`, from the cache or from `build()` (run at most once at a time per key).
   * `cached` is false only for the caller whose request ran the build.
   */
  async get(key: string, build: () => Promise<Buffer>): Promise<{ body: Buffer; cached: boolean }> {
    const hit = this.done.get(key);
    if (hit) {
      this.hits++;
      this.observer?.hit();
      this.done.delete(key);
      this.done.set(key, hit); // most recently used last
      return { body: hit, cached: true };
    }
    const inFlight = this.pending.get(key);
    if (inFlight) {
      this.hits++;
      this.observer?.hit();
      return { body: await inFlight, cached: true };
    }
    const started = performance.now();
    const promise = build();
    this.pending.set(key, promise);
    this.builds++;
    try {
      const body = await promise;
      this.observer?.built((performance.now() - started) / 1000);
      this.store(key, body);
      return { body, cached: false };
    } finally {
      this.pending.delete(key);
    }
  }

  private store(key: string, body: Buffer) {
    if (body.length > this.maxBytes) return;
    this.done.set(key, body);
    this.bytes += body.length;
    for (const [k, v] of this.done) {
      if (this.bytes <= this.maxBytes) break;
      this.done.delete(k);
      this.bytes -= v.length;
    }
  }

  stats(): BuildCacheStats {
    return { builds: this.builds, hits: this.hits, entries: this.done.size, bytes: this.bytes };
  }

  clear(): void {
    this.done.clear();
    this.bytes = 0;
  }
}

const MAX_BYTES = 64 * 1024 * 1024;
const globalForCache = globalThis as unknown as { passflowBuildCache?: BuildCache };

/** Hits and builds of the process-wide cache, as metrics. */
const metricsObserver: BuildCacheObserver = {
  hit: () => metrics().buildCacheHits.inc(),
  built: (seconds) => {
    metrics().builds.inc();
    metrics().buildDuration.observe(seconds);
  },
};

/** The process-wide cache (on globalThis: Next.js route bundles and instrumentation share it). */
export function buildCache(): BuildCache {
  return (globalForCache.passflowBuildCache ??= new BuildCache(MAX_BYTES, metricsObserver));
}
