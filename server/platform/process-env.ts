/**
 * Replaces `process.env` with a plain-object copy of itself, once, in the server process.
 *
 * Why: the Inngest SDK (4.24) reads the whole environment with `Object.entries(process.env)`
 * many times per request it serves or event it sends. On Node's `process.env` (a native
 * interceptor over the C environment) each such read costs ~30 µs here; measured with
 * `BENCH_CPU_PROF` on `npm run bench:pipeline`, it was ~9 % of the server's CPU. On a plain
 * object it costs about a microsecond.
 *
 * Reads and writes from JavaScript behave as before (values are still strings: the copy holds
 * strings and Passflow sets none after start-up); child processes get the copy, as they get
 * `process.env` by default. Only native code calling getenv() would miss a later write.
 */
export function detachProcessEnv(): void {
  const descriptor = Object.getOwnPropertyDescriptor(process, "env");
  if (!descriptor || Object.getPrototypeOf(process.env) === Object.prototype) return;
  const copy: NodeJS.ProcessEnv = { ...process.env };
  Object.defineProperty(process, "env", { value: copy, writable: true, enumerable: descriptor.enumerable, configurable: true });
}
