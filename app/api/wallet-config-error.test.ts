/**
 * One answer for WalletConfigError (the tenant cannot sign passes): the console's .pkpass
 * download and the PassKit web service's latest-pass route both say 503 with Retry-After, as
 * problem+json with the same type, title and detail.
 */
import { describe, expect, it, vi } from "vitest";
import { WalletConfigError } from "@/server/platform/errors";

const MESSAGE = "no Pass Type ID certificate for pass.dev.passflow.basic: import one with `cert import`";

vi.mock("@/server/auth/session", () => ({ requireStaff: async () => ({ id: "s1", email: "ops@example.com", role: "OPERATOR" }) }));
vi.mock("@/server/console/passes", () => ({
  downloadPassForStaff: async () => {
    throw new WalletConfigError(MESSAGE);
  },
}));
vi.mock("@/server/wallet/web-service", () => ({
  latestPass: async () => {
    throw new WalletConfigError(MESSAGE);
  },
}));

async function answer(res: Response) {
  return { status: res.status, contentType: res.headers.get("content-type"), retryAfter: res.headers.get("retry-after"), body: await res.json() };
}

describe("WalletConfigError", () => {
  it("gets the same answer from the console pkpass route and a PassKit route: 503, Retry-After, problem+json", async () => {
    const consoleRoute = await import("@/app/api/console/passes/[serialNumber]/pkpass/route");
    const walletRoute = await import("@/app/api/[tenantId]/passkit/v1/passes/[passTypeIdentifier]/[serialNumber]/route");
    const fromConsole = await answer(
      await consoleRoute.GET(new Request("http://localhost/api/console/passes/S-1/pkpass"), { params: Promise.resolve({ serialNumber: "S-1" }) }),
    );
    const fromWallet = await answer(
      await walletRoute.GET(new Request("http://localhost/api/demo/passkit/v1/passes/pass.dev.passflow.basic/S-1", { headers: { authorization: "ApplePass 0123456789abcdef" } }), {
        params: Promise.resolve({ tenantId: "demo", passTypeIdentifier: "pass.dev.passflow.basic", serialNumber: "S-1" }),
      }),
    );
    expect(fromConsole).toEqual(fromWallet);
    expect(fromConsole).toEqual({
      status: 503,
      contentType: "application/problem+json",
      retryAfter: "300",
      body: { type: "https://passflow.dev/problems/service-unavailable", title: "Service Unavailable", status: 503, detail: MESSAGE },
    });
  });
});
