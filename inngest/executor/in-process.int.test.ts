/** serveFetch's network side: what the in-process transport leaves to a real HTTP server on loopback. */
import http from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { registerServeHandler, serveFetch } from "./in-process";
import { syncFunctions } from "./protocol";

const signingKey = `signkey-test-${"ab".repeat(32)}`;
const serveUrl = "http://127.0.0.1:1/api/inngest"; // nothing listens here

let calls = 0;
/** A registered in-process handler that only counts: none of these requests may reach it. */
const registerCounted = () =>
  registerServeHandler(() => {
    calls++;
    return Promise.resolve(new Response("in-process"));
  });

describe("serveFetch over the network", () => {
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

  it("sends everything else over the network: another origin, and non-POST methods", async () => {
    const other = await serveFetch(serveUrl)(`${otherUrl}?fnId=x`, { method: "POST", body: "{}" });
    expect(await other.text()).toBe("network POST /api/inngest?fnId=x");
    const sameOrigin = serveFetch(otherUrl);
    expect(await (await sameOrigin(otherUrl, { method: "PUT", body: "{}" })).text()).toBe("network PUT /api/inngest");
    expect(calls).toBe(0);
    // the in-band sync is a PUT: it reaches the route over HTTP (and loads it in a real app)
    await expect(syncFunctions(serveUrl, signingKey, serveFetch(serveUrl))).rejects.toThrow();
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
