/**
 * The import rules of the house, checked by `npm run lint` (dependency-cruiser) and drawn by
 * `npm run graph`. Dependencies point one way, top to bottom:
 *
 *   entry      route handlers (app/), tRPC, CLI, start-up (server/start.ts: `npm start`), Inngest functions
 *   use cases  tasks; then klaviyo (listeners), console (reads), auth (sign-in), which never import each other
 *   domain     pass-types < staff < tenants < identifiers < passes < customers < wallet < merchant
 *   platform   server/platform < server/db < inngest (client, events, dispatch, embedded executor)
 *
 * A layer may import any layer below it, never one above. Domain folders are ordered too, so
 * no two import each other. Tooling (server/tooling: benchmarks, npm run dev, test helpers,
 * mocks, seed) may import anything and nothing of the product imports it, except the CLI's
 * `db seed`. Tests may import anything. Server and Inngest code never imports Next.js or app/.
 */
const LAYERS = [
  ["platform", "^server/platform/"],
  ["db", "^server/db/"],
  ["inngest", "^inngest/(client|connection|events|dispatch)\\.ts$|^inngest/executor/"],
  ["pass-types", "^server/pass-types/"],
  ["staff", "^server/staff/"],
  ["tenants", "^server/tenants/"],
  ["identifiers", "^server/identifiers/"],
  ["passes", "^server/passes/"],
  ["customers", "^server/customers/"],
  ["wallet", "^server/wallet/"],
  ["merchant", "^server/merchant/"],
  ["tasks", "^server/tasks/"],
  ["klaviyo", "^server/klaviyo/"],
  ["console", "^server/console/"],
  ["auth", "^server/auth/"],
  ["entry", "^server/(trpc|cli)/|^server/startup\\.ts$|^inngest/functions/|^inngest/task-run\\.ts$|^app/|^instrumentation\\.ts$|^proxy\\.ts$|^server/start\\.ts$"],
];
/** Use cases on one level: none imports another. */
const PEERS = ["klaviyo", "console", "auth"];
const TESTS = "\\.test\\.tsx?$";
const TOOLING = "^server/tooling/|^e2e/";

const pathOf = (name) => LAYERS.find(([n]) => n === name)[1];
/** The layers above layer `i` (for a use case on the peer level: not its peers, which peerRules cover). */
const above = (i) => LAYERS.slice(i + 1).filter(([n]) => !(PEERS.includes(LAYERS[i][0]) && PEERS.includes(n)));
const layerRules = LAYERS.slice(0, -1).map(([name, path], i) => ({
  name: `layer-${name}`,
  comment: `${name} imports a higher layer (${above(i).map(([n]) => n).join(", ")})`,
  severity: "error",
  from: { path, pathNot: TESTS },
  to: { path: above(i).map(([, p]) => `(${p})`).join("|") },
}));
const peerRules = PEERS.map((name) => ({
  name: `peer-${name}`,
  comment: `${name} imports another use case (${PEERS.filter((p) => p !== name).join(", ")})`,
  severity: "error",
  from: { path: pathOf(name), pathNot: TESTS },
  to: { path: PEERS.filter((p) => p !== name).map((p) => `(${pathOf(p)})`).join("|") },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    ...peerRules,
    {
      name: "no-tooling-in-product",
      comment: "product code imports tooling (benchmarks, dev runner, test helpers, mocks)",
      severity: "error",
      from: { pathNot: `${TOOLING}|${TESTS}|^server/cli/commands/db\\.ts$` },
      to: { path: TOOLING },
    },
    {
      name: "no-next-below-entry",
      comment: "server and Inngest code imports Next.js or app/ (only route handlers and pages may)",
      severity: "error",
      from: { path: "^(server|inngest)/", pathNot: `${TOOLING}|${TESTS}` },
      to: { path: "^app/|(^|/)node_modules/next/|^next(/|$)" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(\\.next[^/]*|\\.data|e2e/\\.artifacts)/" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"], extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"] },
    reporterOptions: {
      archi: { collapsePattern: "^(server/[^/]+|inngest/[^/]+|app)(/|$)|^node_modules/(@[^/]+/)?[^/]+" },
    },
  },
};
