/**
 * The import rules of .dependency-cruiser.cjs (what `npm run lint` enforces), tried on a small
 * tree of our own: an upward import, an import between two use cases, tooling in the product and
 * Next.js below the route handlers are each reported, and a downward import is not.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cruise, type IReporterOutput } from "dependency-cruiser";

const require = createRequire(import.meta.url);
const { forbidden } = require("../../../.dependency-cruiser.cjs") as { forbidden: unknown[] };

const root = mkdtempSync(path.join(tmpdir(), "passflow-layers-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function tree(files: Record<string, string>) {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
}

async function violations(entry: string): Promise<string[]> {
  const result: IReporterOutput = await cruise([entry], { baseDir: root, ruleSet: { forbidden } as never, validate: true, doNotFollow: { path: "node_modules" } });
  const output = result.output as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
  return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
}

describe("import layers (npm run lint)", () => {
  tree({
    "server/tasks/queries.ts": "export const q = 1;\n",
    "server/db/client.ts": "export const db = 1;\n",
    "server/console/passes.ts": "export const p = 1;\n",
    "server/tooling/seed.ts": "export const s = 1;\n",
    "node_modules/next/server.js": "exports.NextResponse = 1;\n",
    "node_modules/next/package.json": '{"name":"next","main":"server.js"}\n',
    "server/platform/up.ts": 'import { q } from "../tasks/queries";\nexport const x = q;\n',
    "server/klaviyo/peer.ts": 'import { p } from "../console/passes";\nexport const x = p;\n',
    "server/wallet/tooling.ts": 'import { s } from "../tooling/seed";\nexport const x = s;\n',
    "server/passes/next.ts": 'import { NextResponse } from "next/server";\nexport const x = NextResponse;\n',
    "server/tasks/down.ts": 'import { db } from "../db/client";\nexport const x = db;\n',
  });

  it("reports an import of a higher layer, of another use case, of tooling and of Next.js", async () => {
    expect(await violations("server")).toEqual([
      "layer-platform: server/platform/up.ts -> server/tasks/queries.ts",
      "no-next-below-entry: server/passes/next.ts -> node_modules/next/server.js",
      "no-tooling-in-product: server/wallet/tooling.ts -> server/tooling/seed.ts",
      "peer-klaviyo: server/klaviyo/peer.ts -> server/console/passes.ts",
    ]);
  });

  it("accepts an import of a lower layer", async () => {
    expect(await violations("server/tasks/down.ts")).toEqual([]);
  });
});
