/** Test helper: an OAuth2 issuer on loopback (an RSA key, its JWKS) and access tokens signed by it. */
import http from "node:http";
import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { exportJWK, SignJWT, type JWTPayload } from "jose";

export async function startTestIssuer() {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...(await exportJWK(publicKey)), kid: "test-key", alg: "RS256", use: "sig" };
  const server = http.createServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    issuer: "https://issuer.passflow.test/",
    audience: "passflow-listeners",
    jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Signs an RS256 access token with the test issuer's key; `claims` override the defaults. */
export async function signAccessToken(
  oauth: { issuer: string; audience: string; privateKeyPem: string },
  claims: JWTPayload,
  opts: { expiresIn?: string | number; issuer?: string; audience?: string } = {},
): Promise<string> {
  return new SignJWT({ client_id: "klaviyo-flow", ...claims })
    .setProtectedHeader({ alg: "RS256", kid: "test-key" })
    .setIssuer(opts.issuer ?? oauth.issuer)
    .setAudience(opts.audience ?? oauth.audience)
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? "5m")
    .sign(createPrivateKey(oauth.privateKeyPem));
}
