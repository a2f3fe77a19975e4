import { defineConfig } from "vitest/config";
import path from "node:path";

/**
 * Unit tests (`*.test.ts`) and integration tests (`*.int.test.ts`) share one run. The global
 * setup provides a real PostgreSQL (DATABASE_URL, or a throwaway embedded one) migrated with
 * the real migrations, and a running Next.js app for tests over HTTP.
 */
export default defineConfig({
  resolve: { alias: { "@": path.resolve(__dirname) } },
  test: {
    include: ["server/**/*.test.ts", "inngest/**/*.test.ts", "app/**/*.test.ts"],
    globalSetup: ["server/tooling/testing/global-setup.ts"],
    setupFiles: ["server/tooling/testing/worker-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: "forks",
    fileParallelism: true,
    maxWorkers: 2,
  },
});
