/**
 * Crash recovery of the embedded executor: the app is SIGKILLed right after acknowledging
 * webhooks (and once between a task's commit and its emit), restarted on the same port, and every
 * acknowledged webhook is processed exactly once. Runs its own app on its own database (one
 * embedded executor per database).
 */
import { afterAll, describe, expect, it } from "vitest";
import type { Tenant } from "@prisma/client";
import { db } from "@/server/db/client";
import { issuePass } from "@/server/passes/passes";
import { createApiKey, KLAVIYO_LISTENER_SCOPE } from "@/server/tenants/api-keys";
import { freePort, startApp, type RunningApp } from "@/server/tooling/testing/app";
import { scratchDatabaseForTests } from "@/server/tooling/testing/scratch-db";
import { createTask, pushUpdateInput, testTenant } from "@/server/tooling/testing/tasks";

const scratch = scratchDatabaseForTests();
let app: RunningApp | undefined;

afterAll(() => app?.stop());

const COUNT = 12;

describe("embedded executor: crash recovery", () => {
  it("finishes every acknowledged webhook after a SIGKILL between the 2xx and processing, each once", { timeout: 300_000 }, async () => {
    const tenant: Tenant = await testTenant();
    const passes = [];
    for (let i = 0; i < COUNT + 1; i++) {
      const { serialNumber } = await issuePass({ tenant: tenant.id, passType: "basic", identifiers: { email: `crash-${i}@example.com` } });
      passes.push(await db().pass.findUniqueOrThrow({ where: { serialNumber } }));
    }
    const { key } = await createApiKey({ tenant: tenant.id, name: "crash", scopes: [KLAVIYO_LISTENER_SCOPE], actor: "test" });
    const port = await freePort();
    const env = { DATABASE_URL: scratch.url };
    app = await startApp({ port, name: "crash", env });

    // one task committed whose emit never happened (the process died in between)
    const orphan = await createTask(tenant.id, "PASS_UPDATE", pushUpdateInput({ identifiers: { email: `crash-${COUNT}@example.com` }, additionalData: { points: "99" } }), { dispatch: false });
    const responses = await Promise.all(
      Array.from({ length: COUNT }, (_, i) =>
        fetch(`${app!.url}/api/${tenant.slug}/webhooks/listeners/klaviyo/passes/pushUpdate`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
          body: JSON.stringify({ identifiers: { email: `crash-${i}@example.com` }, additionalData: { points: String(100 + i) } }),
        }),
      ),
    );
    await app.kill();
    expect(responses.map((r) => r.status)).toEqual(Array(COUNT).fill(200));
    const ids = [orphan.id, ...(await db().syncTask.findMany({ where: { tenantId: tenant.id, id: { not: orphan.id } }, select: { id: true } })).map((t) => t.id)];
    expect(ids).toHaveLength(COUNT + 1);
    const unfinished = await db().syncTask.count({ where: { id: { in: ids }, status: { not: "SUCCEEDED" } } });
    expect(unfinished).toBeGreaterThan(0);

    app = await startApp({ port, name: "crash", env });
    const deadline = Date.now() + 180_000;
    while ((await db().syncTask.count({ where: { id: { in: ids }, status: "SUCCEEDED" } })) < ids.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
    }
    const tasks = await db().syncTask.findMany({ where: { id: { in: ids } } });
    expect(tasks.map((t) => t.status)).toEqual(Array(COUNT + 1).fill("SUCCEEDED"));
    for (const [i, pass] of passes.entries()) {
      const after = await db().pass.findUniqueOrThrow({ where: { id: pass.id }, include: { changes: true } });
      expect(after.changes).toHaveLength(1);
      expect((after.data as { points: number }).points).toBe(i === COUNT ? 99 : 100 + i);
    }
    const runs = await db().executorRun.groupBy({ by: ["eventId"], where: { functionId: "passflow-pass-update", eventId: { in: ids.map((id) => `task-${id}`) } }, _count: true });
    expect(runs).toHaveLength(ids.length);
    expect(runs.every((r) => r._count === 1)).toBe(true);
  });
});
