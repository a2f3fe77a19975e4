/** The run store's batched run ends: every caller's row is written exactly as given, in few statements. */
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { createRunStore } from "./store";

const store = createRunStore(process.env.DATABASE_URL!, 2);
afterAll(() => store.close());

describe("run store", () => {
  it("ends runs finishing together in one batch, each with its own output or error, awkward JSON included", async () => {
    const runs = await store.insert(
      Array.from({ length: 40 }, (_, i) => ({ id: randomUUID(), functionId: "passflow-store-test", eventId: `store-test-${randomUUID()}-${i}`, event: { name: "test", data: { i } } })),
    );
    expect(runs).toHaveLength(40);
    const outputOf = (i: number) => ({ i, text: `quote " backslash \\ brace { comma , é ${i}`, list: [null, i], nested: { "a,b": "}" } });
    const errorOf = (i: number) => ({ name: "Error", message: `failed "${i}" \\ here` });
    // all ended in the same turn of the event loop: they share a statement
    await Promise.all(runs.map((r, i) => (i % 5 === 0 ? store.finish(r.id, { error: errorOf(i) }) : store.finish(r.id, { output: i === 1 ? null : outputOf(i) }))));

    const rows = await db().executorRun.findMany({ where: { id: { in: runs.map((r) => r.id) } } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    runs.forEach((r, i) => {
      const row = byId.get(r.id)!;
      if (i % 5 === 0) expect(row).toMatchObject({ status: "FAILED", output: null, error: errorOf(i) });
      else expect(row).toMatchObject({ status: "COMPLETED", output: i === 1 ? null : outputOf(i), error: null });
      expect(row.finishedAt).toBeInstanceOf(Date);
    });
    // one statement ended them all: one finishedAt
    expect(new Set(rows.map((r) => r.finishedAt!.getTime())).size).toBe(1);
    expect(await store.load(runs.map((r) => r.id))).toEqual([]); // none is left QUEUED or RUNNING
  });
});
