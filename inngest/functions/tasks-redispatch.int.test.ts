import { describe, expect, it } from "vitest";
import { InngestTestEngine } from "@inngest/test";
import { db } from "@/server/db/client";
import { tasksRedispatch } from "./tasks-redispatch";
import { createTask, pushUpdateInput, testPass, testTenant, waitForTask } from "@/server/tooling/testing/tasks";
import { publishPassTypeRevision, savePassTypeRevision, showPassType } from "@/server/passes/revisions";
import { getPublish } from "@/server/passes/publish";

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

  it("re-sends the event of a publication that never started (its send was lost), and it completes", { timeout: 120_000 }, async () => {
    const tenant = await testTenant();
    const pass = await testPass(tenant, { email: "lost-publish@example.com" });
    const current = await showPassType(tenant.id, "basic");
    await savePassTypeRevision({ tenant: tenant.id, key: "basic", definition: { ...current.definition, backgroundColor: "rgb(9, 9, 9)" }, actor: "test" });
    const { publish } = await publishPassTypeRevision({ tenant: tenant.id, key: "basic", actor: "test", dispatch: false });
    await db().passTypePublish.update({ where: { id: publish!.id }, data: { startedAt: new Date(Date.now() - 120_000) } });

    const { result, error } = await new InngestTestEngine({ function: tasksRedispatch }).execute();
    expect(error).toBeUndefined();
    expect((result as { publications: number }).publications).toBeGreaterThanOrEqual(1);
    for (let deadline = Date.now() + 90_000; (await getPublish(publish!.id))!.status === "RUNNING" && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 250));
    expect(await getPublish(publish!.id)).toMatchObject({ status: "SUCCEEDED", done: 1, total: 1 });
    expect((await db().pass.findUniqueOrThrow({ where: { id: pass.id } })).metadata).toMatchObject({ backgroundColor: "rgb(9, 9, 9)" });
  });
});
