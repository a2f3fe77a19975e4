import { configDefaults, defineConfig } from "vitest/config";
import path from "node:path";

/**
 * Two projects, told apart by the file name:
 *
 * - `unit` (`*.test.ts`): no database, no network servers, no Next.js app. No global setup:
 *   DATABASE_URL is removed (server/tooling/testing/unit-setup.ts), so a unit test that reaches
 *   for the database fails instead of quietly becoming an integration test.
 * - `int` (`*.int.test.ts`): the global setup provides a real PostgreSQL (DATABASE_URL, or a
 *   throwaway embedded one) migrated with the real migrations, an OAuth issuer, an APNs mock and a
 *   running Next.js app for tests over HTTP.
 *
 * `npm test` runs both, `npm run test:unit` / `npm run test:int` one (`--project`).
 */
export default defineConfig({
  resolve: { alias: { "@": path.resolve(__dirname) } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: "forks",
    fileParallelism: true,
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["**/*.test.ts"],
          exclude: [...configDefaults.exclude, "**/*.int.test.ts", ".next*/**", ".data/**", "e2e/**"],
          setupFiles: ["server/tooling/testing/unit-setup.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "int",
          include: ["**/*.int.test.ts"],
          exclude: [...configDefaults.exclude, ".next*/**", ".data/**", "e2e/**"],
          globalSetup: ["server/tooling/testing/global-setup.ts"],
          setupFiles: ["server/tooling/testing/worker-setup.ts"],
        },
      },
    ],
  },
});
