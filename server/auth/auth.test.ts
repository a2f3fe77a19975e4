import { describe, expect, it } from "vitest";
import { isSameSiteRequest } from "./csrf";
import { clientAddress } from "./options";
import { roleAtLeast } from "./roles";

describe("console auth helpers", () => {
  it("orders roles VIEWER < OPERATOR < ADMIN", () => {
    expect(roleAtLeast("ADMIN", "OPERATOR")).toBe(true);
    expect(roleAtLeast("OPERATOR", "OPERATOR")).toBe(true);
    expect(roleAtLeast("VIEWER", "OPERATOR")).toBe(false);
  });

  it("refuses cross-site requests and lets same-origin and non-browser clients through", () => {
    const req = (headers: Record<string, string>) => new Request("http://console.test/api/trpc/x", { method: "POST", headers: { host: "console.test", ...headers } });
    expect(isSameSiteRequest(req({ origin: "http://console.test", "sec-fetch-site": "same-origin" }))).toBe(true);
    expect(isSameSiteRequest(req({}))).toBe(true);
    expect(isSameSiteRequest(req({ origin: "https://evil.example" }))).toBe(false);
    expect(isSameSiteRequest(req({ "sec-fetch-site": "cross-site" }))).toBe(false);
    expect(isSameSiteRequest(req({ origin: "null" }))).toBe(false);
  });

  it("reads the client address from the first forwarded hop", () => {
    expect(clientAddress({ "x-forwarded-for": "203.0.113.9, 10.0.0.1" })).toBe("203.0.113.9");
    expect(clientAddress({ "x-real-ip": "198.51.100.2" })).toBe("198.51.100.2");
    expect(clientAddress(undefined)).toBe("unknown");
  });
});
