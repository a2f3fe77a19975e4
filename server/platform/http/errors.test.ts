import { afterEach, describe, expect, it, vi } from "vitest";
import { DomainError, WalletConfigError, type DomainErrorCode } from "../errors";
import { logger } from "../log";
import { HttpProblem } from "./problem";
import { errorResponse } from "./errors";
import { route } from "./route";
import { PassKitError } from "@/server/wallet/errors";

/** The contract, written out: every domain error code and its HTTP status. */
const EXPECTED: Record<DomainErrorCode, number> = {
  invalid_input: 400,
  invalid_field_value: 400,
  not_found: 404,
  tenant_not_found: 404,
  pass_type_not_found: 404,
  pass_not_found: 404,
  conflict: 409,
  identifier_conflict: 409,
  ambiguous_pass: 409,
  idempotency_key_reused: 422,
};

const TITLES: Record<number, string> = { 400: "Bad Request", 404: "Not Found", 409: "Conflict", 422: "Unprocessable Content", 503: "Service Unavailable", 500: "Internal Server Error" };

async function problemOf(res: Response) {
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(res.headers.get("cache-control")).toBe("no-store");
  return (await res.json()) as { type: string; title: string; status: number; detail?: string; errors?: { field: string; message: string }[] };
}

afterEach(() => vi.restoreAllMocks());

describe("the HTTP error table", () => {
  for (const [code, status] of Object.entries(EXPECTED) as [DomainErrorCode, number][]) {
    it(`DomainError ${code} → ${status}, a problem naming the field`, async () => {
      const handler = route(async (_request: Request) => {
        throw new DomainError(code, `${code} happened`, "identifiers.email");
      });
      const res = await handler(new Request("http://localhost/api/x"));
      expect(res.status).toBe(status);
      const body = await problemOf(res);
      expect(body).toEqual({
        type: expect.stringMatching(/^https:\/\/passflow\.dev\/problems\/[a-z-]+$/),
        title: TITLES[status],
        status,
        detail: `${code} happened`,
        errors: [{ field: "identifiers.email", message: `${code} happened` }],
      });
    });
  }

  it("one title and type per status, whoever throws", async () => {
    const a = await problemOf(errorResponse(new DomainError("not_found", "no such task", "id")));
    const b = await problemOf(errorResponse(new PassKitError(404, "unknown tenant")));
    const c = await problemOf(errorResponse(new HttpProblem({ status: 404, detail: "no tenant" })));
    expect(new Set([a, b, c].map((p) => `${p.type} ${p.title}`)).size).toBe(1);
  });

  it("a DomainError without a field has no `errors`", async () => {
    const body = await problemOf(errorResponse(new DomainError("tenant_not_found", 'no tenant "x"')));
    expect(body).toMatchObject({ status: 404, detail: 'no tenant "x"' });
    expect(body.errors).toBeUndefined();
  });

  it("HttpProblem and PassKitError keep their status, fields and headers; the context adds correlation and headers", async () => {
    const res = errorResponse(new HttpProblem({ status: 429, detail: "slow down", headers: { "retry-after": "7" } }), { correlationId: "c-1", headers: { "ratelimit-limit": "10" } });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
    expect(res.headers.get("ratelimit-limit")).toBe("10");
    expect(res.headers.get("x-correlation-id")).toBe("c-1");
    expect(await problemOf(res)).toMatchObject({ status: 429, title: "Too Many Requests", correlationId: "c-1" });
    const passkit = errorResponse(new PassKitError(401));
    expect(passkit.status).toBe(401);
    expect(await problemOf(passkit)).toMatchObject({ title: "Unauthorized", status: 401 });
  });

  it("WalletConfigError → 503 with Retry-After; the database unavailable → 503 with Retry-After", async () => {
    const wallet = errorResponse(new WalletConfigError("no Pass Type ID certificate for pass.x"));
    expect(wallet.status).toBe(503);
    expect(wallet.headers.get("retry-after")).toBe("300");
    expect(await problemOf(wallet)).toMatchObject({ title: "Service Unavailable", detail: "no Pass Type ID certificate for pass.x" });
    const down = errorResponse(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }));
    expect(down.status).toBe(503);
    expect(down.headers.get("retry-after")).toBe("30");
  });

  it("an unexpected error is 500 without its message or stack, logged once with the stack", async () => {
    const error = vi.spyOn(logger, "error").mockImplementation(() => undefined);
    const info = vi.spyOn(logger, "info").mockImplementation(() => undefined);
    const handler = route(async (_request: Request) => {
      throw new TypeError("secret internals at /srv/app.ts:12");
    });
    const res = await handler(new Request("http://localhost/api/boom", { method: "POST" }));
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ type: "https://passflow.dev/problems/internal-error", title: "Internal Server Error", status: 500 });
    expect(text).not.toMatch(/secret internals|app\.ts|TypeError/);
    expect(error).toHaveBeenCalledTimes(1);
    expect(info).not.toHaveBeenCalled();
    const [fields] = error.mock.calls[0]! as unknown as [{ err: Error; method: string; path: string }];
    expect(fields).toMatchObject({ method: "POST", path: "/api/boom" });
    expect(fields.err.stack).toContain("secret internals");
  });

  it("the wrapper passes answers through and rethrows Next.js control flow (errors with a digest)", async () => {
    const ok = route(async (_r: Request, ctx: { n: number }) => Response.json({ n: ctx.n }));
    expect(await (await ok(new Request("http://localhost/"), { n: 3 })).json()).toEqual({ n: 3 });
    const redirect = Object.assign(new Error("NEXT_REDIRECT"), { digest: "NEXT_REDIRECT;replace;/login;307;" });
    await expect(route((_request: Request) => { throw redirect; })(new Request("http://localhost/"))).rejects.toBe(redirect);
  });
});
