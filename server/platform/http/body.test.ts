import { describe, expect, it } from "vitest";
import { HttpProblem } from "./problem";
import { InexactNumber, parseJson, readBody, streamBody } from "./body";
import { unstorable } from "./json-hygiene";
import { redactHeaders } from "./headers";

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const req = (body: Buffer | string, type?: string) =>
  new Request("http://localhost/", { method: "POST", body: typeof body === "string" ? body : new Uint8Array(body), headers: type ? { "content-type": type } : {} });

async function status(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (err) {
    if (err instanceof HttpProblem) return err.init.status;
    throw err;
  }
}

describe("readBody", () => {
  it("accepts the configured content types only, and UTF-8 only", async () => {
    expect(await status(readBody(req("{}", "application/json")))).toBe(200);
    expect(await status(readBody(req("{}", "application/vnd.api+json")))).toBe(200);
    expect(await status(readBody(req("{}", "text/plain")))).toBe(415);
    expect(await status(readBody(req("{}", "text/plain;charset=UTF-8"), { accept: ["json", "text"] }))).toBe(200);
    expect(await status(readBody(req("{}", "application/json; charset=iso-8859-1")))).toBe(415);
    const untyped = new Request("http://localhost/", { method: "POST", body: new Uint8Array(Buffer.from("{}")) });
    expect(await status(readBody(untyped))).toBe(415);
    const untypedAgain = new Request("http://localhost/", { method: "POST", body: new Uint8Array(Buffer.from("{}")) });
    expect(await readBody(untypedAgain, { allowMissingType: true })).toBe("{}");
  });

  it("refuses bodies over the limit with 413", async () => {
    expect(await status(readBody(req("x".repeat(11), "application/json"), { limit: 10 }))).toBe(413);
    expect(await readBody(req("x".repeat(10), "application/json"), { limit: 10 })).toBe("x".repeat(10));
  });

  it("keeps or strips a BOM; refuses or replaces invalid UTF-8", async () => {
    const withBom = () => req(Buffer.concat([BOM, Buffer.from("{}")]), "application/json");
    expect(await readBody(withBom())).toBe("\uFEFF{}");
    expect(await readBody(withBom(), { bom: "strip" })).toBe("{}");
    const latin1 = () => req(Buffer.from('{"a":"é"}', "latin1"), "application/json");
    expect(await status(readBody(latin1()))).toBe(400);
    expect(await readBody(latin1(), { strictUtf8: false })).toBe('{"a":"\uFFFD"}');
  });

  it("parseJson skips a BOM and names `body` when the JSON is bad", () => {
    expect(parseJson("\uFEFF{\"a\":1}")).toEqual({ a: 1 });
    for (const bad of ["", "{", "nope"]) {
      try {
        parseJson(bad);
        expect.unreachable();
      } catch (err) {
        expect((err as HttpProblem).init).toMatchObject({ status: 400, errors: [{ field: "body" }] });
      }
    }
  });
});

describe("JSON hygiene and header redaction", () => {
  it("finds NUL, unpaired surrogates and __proto__, naming the field", () => {
    expect(unstorable({ a: { b: ["ok", "x\u0000"] } })).toMatchObject({ field: "a.b.1", message: expect.stringMatching(/NUL/) });
    expect(unstorable(JSON.parse('{"tier":"\\ud800"}'))).toMatchObject({ field: "tier", message: expect.stringMatching(/surrogate/) });
    expect(unstorable(JSON.parse('{"x":{"__proto__":{}}}'))).toMatchObject({ field: "x.__proto__" });
    expect(unstorable({ fine: "García 😀" })).toBeUndefined();
  });

  it("redacts the one list of secret headers, from Headers or a stored object", () => {
    const headers = new Headers({ authorization: "Bearer pf_x", "x-api-key": "k", "klaviyo-signature": "s", "x-csrf-token": "t", "content-type": "application/json" });
    expect(redactHeaders(headers)).toEqual({ authorization: "[redacted]", "x-api-key": "[redacted]", "klaviyo-signature": "[redacted]", "x-csrf-token": "[redacted]", "content-type": "application/json" });
    expect(redactHeaders({ Cookie: "a=b", "idempotency-key": "k1" })).toEqual({ Cookie: "[redacted]", "idempotency-key": "k1" });
  });

  it("parseJson with exactNumbers keeps a number too precise for a double as its text, anywhere, and nothing else changes", () => {
    const text = '{"id": 9007199254740993, "n": [1.5, 12345678901234567890, {"x": -0.30000000000000000001}], "s": "9007199254740993", "e": 1e3}';
    const value = parseJson(text, { exactNumbers: true }) as { id: InexactNumber; n: [number, InexactNumber, { x: InexactNumber }]; s: string; e: number };
    expect(value.id).toBeInstanceOf(InexactNumber);
    expect(value.id.text).toBe("9007199254740993");
    expect(value.n[0]).toBe(1.5);
    expect(value.n[1].text).toBe("12345678901234567890");
    expect(value.n[2].x.text).toBe("-0.30000000000000000001");
    expect(value).toMatchObject({ s: "9007199254740993", e: 1000 });
    // strings holding digits, escapes and quotes are left alone; without the option JSON.parse as ever
    expect(parseJson('{"a":"x\\"9007199254740993","b":2}', { exactNumbers: true })).toEqual({ a: 'x"9007199254740993', b: 2 });
    expect(parseJson('{"id": 9007199254740993}')).toEqual({ id: 9007199254740992 });
    expect(() => parseJson('{"id": 9007199254740993', { exactNumbers: true })).toThrow(HttpProblem);
    // integers beyond 2^53 are never taken as numbers, even the ones a double happens to hold
    expect(parseJson('{"a": 9007199254740992, "b": 9007199254740991}', { exactNumbers: true })).toEqual({ a: new InexactNumber("9007199254740992"), b: 9007199254740991 });
    // 100,000 levels of nesting: read as ever without such a number; with one, a 400 naming the body (never a crash)
    expect(parseJson(`${"[".repeat(100_000)}1${"]".repeat(100_000)}`, { exactNumbers: true })).toBeInstanceOf(Array);
    const deep = (() => {
      try {
        return parseJson(`${"[".repeat(100_000)}9007199254740993${"]".repeat(100_000)}`, { exactNumbers: true });
      } catch (err) {
        return err;
      }
    })();
    expect(deep).toBeInstanceOf(HttpProblem);
    expect((deep as HttpProblem).init).toMatchObject({ status: 400, errors: [{ field: "body" }] });
    // a __proto__ key stays an own property (JSON hygiene refuses it after parsing)
    const proto = parseJson('{"__proto__": {"n": 9007199254740993}}', { exactNumbers: true }) as object;
    expect(Object.keys(proto)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).n).toBeUndefined();
    const own = parseJson('{"__proto__": 9007199254740993}', { exactNumbers: true }) as Record<string, unknown>;
    expect(Object.getPrototypeOf(own)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(own, "__proto__")?.value).toEqual(new InexactNumber("9007199254740993"));
  });
});

describe("streamBody (uploads)", () => {
  const collect = async (body: AsyncIterable<Uint8Array>) => {
    const parts: Buffer[] = [];
    for await (const p of body) parts.push(Buffer.from(p));
    return Buffer.concat(parts).toString();
  };
  /** A request whose body arrives in pieces with no Content-Length (a browser's streamed upload). */
  const streamed = (pieces: string[], type = "text/csv") =>
    new Request("http://localhost/", {
      method: "POST",
      body: new ReadableStream({ start: (c) => { for (const p of pieces) c.enqueue(new TextEncoder().encode(p)); c.close(); } }),
      headers: { "content-type": type },
      duplex: "half",
    } as RequestInit);

  it("yields the body as it arrives, for the content types accepted", async () => {
    expect(await collect(streamBody(streamed(["email\n", "a@example.com\n"]), { accept: ["csv"], limit: 100 }))).toBe("email\na@example.com\n");
    expect(() => streamBody(req("x", "application/json"), { accept: ["csv"], limit: 100 })).toThrow(HttpProblem);
    expect(() => streamBody(req("x", "text/csv; charset=latin1"), { accept: ["csv"], limit: 100 })).toThrow(HttpProblem);
  });

  it("is 413 by its Content-Length, and once the stream passes the limit", async () => {
    const declared = new Request("http://localhost/", { method: "POST", body: "x".repeat(101), headers: { "content-type": "text/csv", "content-length": "101" } });
    expect(await status((async () => streamBody(declared, { accept: ["csv"], limit: 100 }))())).toBe(413);
    expect(await status(collect(streamBody(streamed(["x".repeat(60), "x".repeat(60)]), { accept: ["csv"], limit: 100 })))).toBe(413);
  });
});
