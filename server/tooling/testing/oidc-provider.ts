/**
 * Test helper: a minimal OpenID Connect provider on loopback (discovery, JWKS, token endpoint).
 * `authorize(url, email)` plays the provider's login page: it answers the authorization request
 * with the redirect back to the client, and the token endpoint then issues an RS256 id_token for
 * that email.
 */
import http from "node:http";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { exportJWK, SignJWT } from "jose";

export async function startOidcProvider(opts: { clientId: string }) {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...(await exportJWK(publicKey)), kid: "oidc-test", alg: "RS256", use: "sig" };
  const codes = new Map<string, { email: string; verified: boolean }>();
  let issuer = "";
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    const json = (body: unknown) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (url.pathname === "/.well-known/openid-configuration") {
      return json({
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ["code"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
        token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
      });
    }
    if (url.pathname === "/jwks") return json({ keys: [jwk] });
    if (url.pathname === "/token" && req.method === "POST") {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", async () => {
        const user = codes.get(new URLSearchParams(body).get("code") ?? "");
        if (!user) return res.writeHead(400, { "content-type": "application/json" }).end('{"error":"invalid_grant"}');
        const idToken = await new SignJWT({ email: user.email, email_verified: user.verified, name: "OIDC User" })
          .setProtectedHeader({ alg: "RS256", kid: jwk.kid })
          .setIssuer(issuer)
          .setAudience(opts.clientId)
          .setSubject(`sub-${user.email}`)
          .setIssuedAt()
          .setExpirationTime("5m")
          .sign(privateKey);
        json({ access_token: randomUUID(), token_type: "Bearer", expires_in: 300, id_token: idToken });
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    issuer,
    /** The provider's answer to an authorization request: the callback URL with a code for `email`. */
    authorize(authorizationUrl: URL, email: string, verified = true): string {
      const code = randomUUID();
      codes.set(code, { email, verified });
      const back = new URL(authorizationUrl.searchParams.get("redirect_uri")!);
      back.searchParams.set("code", code);
      back.searchParams.set("state", authorizationUrl.searchParams.get("state") ?? "");
      return back.toString();
    },
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
