import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import inngest from "@inngest/eslint-plugin";

// Import boundaries (layers, tooling, no Next.js below the route handlers) are checked by
// dependency-cruiser in `npm run lint` (.dependency-cruiser.cjs).
const config = [
  ...nextVitals,
  ...nextTs,
  {
    files: ["inngest/**/*.ts", "server/**/*.ts"],
    plugins: { "@inngest": inngest },
    rules: { ...inngest.configs.recommended.rules, "@inngest/await-inngest-send": "error" },
  },
  { ignores: [".next/**", ".next-test/**", ".next-e2e/**", "e2e/.artifacts/**", ".data/**", "node_modules/**", "next-env.d.ts", "test-results/**", "playwright-report/**"] },
];

export default config;
