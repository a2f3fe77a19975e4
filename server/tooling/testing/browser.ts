/** Test helper: fetch with a cookie jar against a running app, plus next-auth and tRPC shortcuts. */
import superjson from "superjson";

export class TestBrowser {
  readonly cookies = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  /** fetch `path` (or an absolute URL) with the jar's cookies; stores the answer's cookies; never follows redirects. */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await fetch(path.startsWith("http") ? path : `${this.baseUrl}${path}`, { ...init, headers, redirect: "manual" });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair!.indexOf("=");
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (value === "" || /max-age=0|expires=thu, 01 jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** next-auth's CSRF token (and its cookie). */
  async csrf(): Promise<string> {
    return ((await (await this.fetch("/api/auth/csrf")).json()) as { csrfToken: string }).csrfToken;
  }

  /** POSTs a form to a next-auth endpoint with the CSRF token; resolves with the URL next-auth sends the browser to. */
  async authForm(path: string, fields: Record<string, string> = {}): Promise<URL> {
    const body = new URLSearchParams({ csrfToken: await this.csrf(), json: "true", callbackUrl: `${this.baseUrl}/`, ...fields });
    const res = await this.fetch(path, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } });
    return new URL(((await res.json()) as { url: string }).url);
  }

  /** Signs in with email and password; resolves with where next-auth redirects (`?error=` on failure). */
  signIn(email: string, password: string): Promise<URL> {
    return this.authForm("/api/auth/callback/credentials", { email, password });
  }

  query(path: string): Promise<Response> {
    return this.fetch(`/api/trpc/${path}`);
  }

  mutate(path: string, input: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return this.fetch(`/api/trpc/${path}`, { method: "POST", body: JSON.stringify(superjson.serialize(input)), headers: { "content-type": "application/json", ...headers } });
  }
}
