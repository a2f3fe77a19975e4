/**
 * The console's pages over real HTTP against the run's app (`next dev`): security headers,
 * the not-found page, the favicon, what a signed-out visit logs, and, in Chromium, that nothing
 * of `next dev` covers the signed-in staff member and Sign out.
 */
import { readFileSync, statSync } from "node:fs";
import { chromium } from "@playwright/test";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createStaff } from "@/server/staff/staff";
import { uniqueSlug } from "@/server/tooling/testing/cli";
import { TEST_PASSWORD } from "@/server/tooling/testing/console-fixtures";
import { TestBrowser } from "@/server/tooling/testing/browser";

const appUrl = inject("appUrl");
const appLogFile = inject("appLogFile");

describe("security headers", () => {
  it("every response carries CSP (frame-ancestors 'none', a fresh script nonce), X-Frame-Options, nosniff and Referrer-Policy; no HSTS over http", async () => {
    const nonces = new Set<string>();
    // the machine-facing API paths skip the proxy (proxy.ts): their route handlers set the headers
    const machinePaths = ["/api/no-such-tenant/webhooks/listeners/klaviyo/passes/pushUpdate", "/api/no-such-tenant/passkit/v1/passes/pass.example/abc", "/api/no-such-tenant/v1/passes/abc"];
    const paths = ["/login", "/login", "/no-such-page", "/api/health", "/api/openapi.json", "/favicon.ico", ...machinePaths];
    for (const path of paths) {
      const res = await fetch(`${appUrl}${path}`, { redirect: "manual" });
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("object-src 'none'");
      expect(res.headers.get("x-frame-options"), path).toBe("DENY");
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("referrer-policy"), path).toBe("same-origin");
      expect(res.headers.get("strict-transport-security"), path).toBeNull(); // PUBLIC_URL is http://127.0.0.1 here
      const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
      expect(nonce, path).toBeTruthy();
      nonces.add(nonce!);
      if (path === "/login") {
        // every script of the page carries this response's nonce, so the policy lets it run
        const scripts = (await res.text()).match(/<script\b[^>]*>/g) ?? [];
        expect(scripts.length).toBeGreaterThan(0);
        for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
      }
    }
    expect(nonces.size).toBe(paths.length);
  }, 240_000); // the first requests compile the pages
});

describe("pages", () => {
  it("an unknown URL answers 404 with the styled not-found page, not Next.js's default", async () => {
    const res = await fetch(`${appUrl}/no-such-page/really`);
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain("Page not found");
    expect(html).toContain('data-testid="not-found"');
    expect(html).not.toContain("This page could not be found");
    expect(html).toMatch(/<link rel="stylesheet" href="[^"]+\.css"/);
  }, 120_000);

  it("/favicon.ico is a small ICO and the pages link it", async () => {
    const res = await fetch(`${appUrl}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/x-icon");
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 4)]).toEqual([0, 0, 1, 0]);
    expect(bytes.length).toBeLessThan(4096);
    expect(await (await fetch(`${appUrl}/login`)).text()).toMatch(/<link rel="icon" href="\/favicon\.ico[^"]*"/);
  }, 120_000);

  it("a signed-out visit to console pages goes to /login and logs no error (no TRPCError UNAUTHORIZED)", async () => {
    const from = statSync(appLogFile).size;
    for (const path of ["/tasks", "/passes", "/receipts", "/audit", "/tenants/demo"]) {
      const res = await new TestBrowser(appUrl).fetch(path);
      expect(res.status, path).toBe(307);
      expect(res.headers.get("location"), path).toMatch(/\/login$/);
    }
    await new Promise((r) => setTimeout(r, 500)); // the log is written through a pipe
    const logged = readFileSync(appLogFile, "utf8").slice(from);
    expect(logged).not.toMatch(/TRPCError|UNAUTHORIZED|sign in to the console first/);
    expect(logged).not.toMatch(/⨯/); // Next.js's mark of an error it logged
  }, 240_000);
});

describe("next dev in a browser", () => {
  let email: string;
  beforeAll(async () => {
    email = `${uniqueSlug("devindicator")}@staff.example.com`;
    await createStaff({ email, role: "ADMIN", password: TEST_PASSWORD, actor: "test" });
  });

  it("nothing covers the signed-in email and the Sign out button (no dev indicator), and next dev reports no CSP violation", async () => {
    const session = new TestBrowser(appUrl);
    expect((await session.signIn(email, TEST_PASSWORD)).searchParams.get("error")).toBeNull();
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
    try {
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
      await context.addCookies([...session.cookies].map(([name, value]) => ({ name, value, url: appUrl })));
      const page = await context.newPage();
      // next dev (HMR, its overlay) works under the same policy as production
      const violations: string[] = [];
      page.on("console", (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
      });
      // a short page (the console's own not-found), so the sidebar's foot is at the bottom of the window, where next dev puts its indicator
      await page.goto(`${appUrl}/customers/no-such-customer`);
      await expect.poll(() => page.getByTestId("empty-state").textContent()).toContain("Not found");
      await page.getByTestId("signed-in-as").waitFor();
      await page.waitForTimeout(2000); // next dev mounts its tools after hydration
      for (const target of [page.getByTestId("signed-in-as"), page.getByRole("button", { name: "Sign out" })]) {
        await expect.poll(() => target.textContent()).toBeTruthy();
        const topmost = await target.evaluate((el) => {
          const box = el.getBoundingClientRect();
          if (box.bottom > innerHeight) return "below the window";
          for (const [fx, fy] of [[0.1, 0.5], [0.5, 0.5], [0.9, 0.5]] as const) {
            const hit = document.elementFromPoint(box.left + box.width * fx, box.top + box.height * fy);
            if (!hit || !(hit === el || el.contains(hit))) return hit ? hit.tagName.toLowerCase() : "nothing";
          }
          return "itself";
        });
        expect(topmost).toBe("itself");
      }
      expect(violations).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 240_000);
});
