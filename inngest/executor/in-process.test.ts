import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Inngest } from "inngest";
import { serve } from "inngest/next";
import { registerServeHandler, serveFetch } from "./in-process";
import { callFunction } from "./protocol";

const signingKey = `signkey-test-${"ab".repeat(32)}`;
const serveUrl = "http://127.0.0.1:1/api/inngest"; // nothing listens: only the in-process path can answer
// (what goes over the network instead, to a real loopback server, is in in-process.int.test.ts)

const quiet = { info() {}, warn() {}, error() {}, debug() {} };
const client = new Inngest({ id: "in-process-test", isDev: false, signingKey, eventKey: "test", internalLogger: quiet });
const double = client.createFunction({ id: "double", triggers: [{ event: "test/double" }] }, async ({ event, step }) => {
  const n = await step.run("read", () => Number((event.data as { n: number }).n));
  return { doubled: n * 2 };
});
const handler = serve({ client, functions: [double], serveOrigin: "http://127.0.0.1:1", servePath: "/api/inngest" });

let calls = 0;
/** Registers the test's serve handler, counting the calls that reach it. */
const registerCounted = () =>
  registerServeHandler((req) => {
    calls++;
    return handler.POST(req as never, { params: Promise.resolve({}) });
  });
const event = { name: "test/double", id: "e1", data: { n: 21 }, ts: Date.now() };
const call = (key = signingKey, steps = {}, stack: string[] = []) =>
  callFunction(`${serveUrl}?fnId=in-process-test-double`, { event, steps, stack, runId: "r1", attempt: 0, maxAttempts: 1 }, { signingKey: key, timeoutMs: 5000, transport: serveFetch(serveUrl) });

describe("serveFetch (the executor's in-process transport)", () => {
  beforeAll(() => registerCounted());
  afterAll(() => registerServeHandler(undefined));
  afterEach(() => void (calls = 0));

  it("runs a function through the registered handler with the signed protocol, step by step", async () => {
    const first = await call();
    expect(first.kind).toBe("ops");
    if (first.kind !== "ops") return;
    const op = first.ops[0]!;
    expect(op).toMatchObject({ op: "StepRun", data: 21 });
    const second = await call(signingKey, { [op.id]: { data: op.data } }, [op.id]);
    expect(second).toEqual({ kind: "done", output: { doubled: 42 } });
    expect(calls).toBe(2);
  });

  it("keeps the serve endpoint's signature check: a call signed with another key is refused", async () => {
    const outcome = await call(`signkey-test-${"cd".repeat(32)}`);
    expect(outcome.kind).toBe("error");
    expect(calls).toBe(1);
  });

  it("rejects on the caller's abort signal like fetch, even while the handler is still working", async () => {
    registerServeHandler(() => new Promise(() => {}));
    try {
      const outcome = await callFunction(`${serveUrl}?fnId=in-process-test-double`, { event, steps: {}, stack: [], runId: "r2", attempt: 0, maxAttempts: 1 }, { signingKey, timeoutMs: 50, transport: serveFetch(serveUrl) });
      expect(outcome).toMatchObject({ kind: "error", final: false, error: { name: "ExecutorCallError" } });
      expect((outcome as { error: { message: string } }).error.message).toMatch(/timeout|abort/i);
    } finally {
      registerCounted();
    }
  });

  it("waits for the handler to register before its first call (the route loads after the executor starts)", async () => {
    registerServeHandler(undefined);
    const transport = serveFetch(serveUrl, { waitForHandlerMs: 5000 });
    setTimeout(registerCounted, 50);
    const outcome = await callFunction(`${serveUrl}?fnId=in-process-test-double`, { event, steps: {}, stack: [], runId: "r3", attempt: 0, maxAttempts: 1 }, { signingKey, timeoutMs: 5000, transport });
    expect(outcome.kind).toBe("ops");
    expect(calls).toBe(1);
  });
});
