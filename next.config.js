// @ts-check
/**
 * Next.js configuration. Server-only packages with native or Wasm parts stay external to the
 * bundle, and so does prom-client (one instance per process, whatever route bundle loads it).
 * Configuration itself is validated by server/env.ts at start-up (instrumentation.ts).
 * @type {import('next').NextConfig}
 */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `next dev`'s floating indicator sits bottom left, over the signed-in email and Sign out.
  devIndicators: false,
  serverExternalPackages: ["@prisma/client", "@prisma/adapter-pg", "pg", "pino", "@node-rs/argon2", "passkit-generator", "@parse/node-apn", "@electric-sql/pglite", "@electric-sql/pglite-socket", "prom-client"],
  // Tests run their own Next.js server next to `npm run dev`; each needs its own build folder.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // ...and their own tsconfig, so Next.js does not add their build folders to tsconfig.json.
  typescript: { tsconfigPath: process.env.NEXT_TSCONFIG_PATH || "tsconfig.json" },
};

module.exports = nextConfig;
