import { describe, expect, it } from "vitest";
import { InngestTestEngine } from "@inngest/test";
import { db } from "@/server/db/client";
import { tasksRedispatch } from "./tasks-redispatch";
import { createTask, pushUpdateInput, testPass, testTenant, waitForTask } from "@/server/tooling/testing/tasks";

describe("tasks-redispatch", () => {
  it("re-sends tasks QUEUED for over 60 s (the emit was lost) and they complete; younger ones wait", { timeout: 120_000 }, async () => {
    const tenant = await testTenant();
    await testPass(tenant, { email: "lost@example.com" });
    const lost = await createTask(tenant.id, "PASS_UPDATE", pushUpdateInput({ identifiers: { email: "lost@example.com" }, additionalData: { points: "9" } }), { dispatch: false });
    await db().syncTask.update({ where: { id: lost.id }, data: { queuedAt: new Date(Date.now() - 120_000) } });
    const fresh = await createTask(tenant.id, "PASS_UPDATE", pushUpdateInput({ identifiers: { email: "lost@example.com" } }), { dispatch: false });

    const { result, error } = await new InngestTestEngine({ function: tasksRedispatch }).execute();
    expect(error).toBeUndefined();
    expect((result as { dispatched: number }).dispatched).toBeGreaterThanOrEqual(1);
    expect(await waitForTask(lost.id, 90_000)).toMatchObject({ status: "SUCCEEDED", output: { changed: true } });
    expect((await db().syncTask.findUniqueOrThrow({ where: { id: fresh.id } })).status).toBe("QUEUED");
    await db().syncTask.delete({ where: { id: fresh.id } });
  });
});
