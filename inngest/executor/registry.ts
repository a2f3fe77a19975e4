/**
 * The slot where the embedded executor running in this process is found. Kept apart from the
 * executor itself so that the Inngest client (and with it the CLI and every domain caller) can
 * hand its sends to a running executor without loading the executor's code. Route handlers and
 * the instrumentation hook may be bundled apart, so the slot lives on `globalThis`.
 */

/** What the event intake needs of a running executor. */
export interface RunningExecutor {
  readonly eventKey: string;
  /** Stores the events' runs; resolves with the event ids once they are durable. */
  acceptEvents(events: unknown[]): Promise<string[]>;
}

const KEY = Symbol.for("passflow.embeddedExecutor");
const slot = globalThis as unknown as { [KEY]?: RunningExecutor };

/** The executor running in this process, if any. */
export function runningExecutor(): RunningExecutor | undefined {
  return slot[KEY];
}

/** Records (or, with undefined, clears) the executor running in this process. */
export function setRunningExecutor(executor: RunningExecutor | undefined): void {
  slot[KEY] = executor;
}
