import http from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Inngest } from "inngest";
import { serve } from "inngest/next";
import { registerServeHandler, serveFetch } from "./in-process";
import { callFunction, syncFunctions } from "./protocol";

const signingKey = `signkey-test-${"ab".repeat(32)}`;
const serveUrl = "http://127.0.0.1:1/api/inngest"; // nothing listens: only the in-process path can answer

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
  let server: http.Server;
  let otherUrl: string;
  beforeAll(async () => {
    registerCounted();
    server = http.createServer((req, res) => res.writeHead(200, { "content-type": "text/plain" }).end(`network ${req.method} ${req.url}`));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    otherUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/inngest`;
  });
  afterAll(() => {
    registerServeHandler(undefined);
    server.close();
  });
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

  it("sends everything else over the network: another origin, and non-POST methods", async () => {
    const other = await serveFetch(serveUrl)(`${otherUrl}?fnId=x`, { method: "POST", body: "{}" });
    expect(await other.text()).toBe("network POST /api/inngest?fnId=x");
    const sameOrigin = serveFetch(otherUrl);
    expect(await (await sameOrigin(otherUrl, { method: "PUT", body: "{}" })).text()).toBe("network PUT /api/inngest");
    expect(calls).toBe(0);
    // the in-band sync is a PUT: it reaches the route over HTTP (and loads it in a real app)
    await expect(syncFunctions(serveUrl, signingKey, serveFetch(serveUrl))).rejects.toThrow();
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

  it("falls back to the network when no handler is registered", async () => {
    registerServeHandler(undefined);
    try {
      const res = await serveFetch(otherUrl)(`${otherUrl}?fnId=y`, { method: "POST", body: "{}" });
      expect(await res.text()).toBe("network POST /api/inngest?fnId=y");
    } finally {
      registerCounted();
    }
  });
});
