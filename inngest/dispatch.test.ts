import { describe, expect, it, vi } from "vitest";
import { inngest } from "./client";
import { dispatchTasks } from "./dispatch";

const task = (id: string, kind: "PASS_UPDATE" | "PROFILE_SYNC" | "KLAVIYO_EVENT" | "KLAVIYO_PROFILE" = "PASS_UPDATE") => ({ id, tenantId: "t1", kind, correlationId: `c-${id}` });

describe("dispatchTasks", () => {
  it("sends tasks dispatched together in one request, with event ids derived from the task ids", async () => {
    const send = vi.spyOn(inngest, "send").mockResolvedValue({ ids: [] } as never);
    const results = await Promise.all([dispatchTasks([task("a")]), dispatchTasks([task("b", "PROFILE_SYNC")]), dispatchTasks([task("c")])]);
    expect(results).toEqual([true, true, true]);
    expect(send).toHaveBeenCalledTimes(1);
    const events = send.mock.calls[0]![0] as { id: string; name: string; data: unknown }[];
    expect(events.map((e) => [e.id, e.name])).toEqual([
      ["task-a", "passflow/pass.update.requested"],
      ["task-b", "passflow/profile.sync.requested"],
      ["task-c", "passflow/pass.update.requested"],
    ]);
    expect(events[1]!.data).toEqual({ taskId: "b", tenantId: "t1", correlationId: "c-b" });
    send.mockRestore();
  });

  it("runs the Klaviyo outbound tasks by their own events", async () => {
    const send = vi.spyOn(inngest, "send").mockResolvedValue({ ids: [] } as never);
    await dispatchTasks([task("e", "KLAVIYO_EVENT"), task("f", "KLAVIYO_PROFILE")]);
    const events = send.mock.calls[0]![0] as { id: string; name: string }[];
    expect(events.map((e) => [e.id, e.name])).toEqual([
      ["task-e", "passflow/klaviyo.event.requested"],
      ["task-f", "passflow/klaviyo.profile.requested"],
    ]);
    send.mockRestore();
  });

  it("resolves false instead of throwing when Inngest cannot be reached", async () => {
    const send = vi.spyOn(inngest, "send").mockRejectedValue(new Error("fetch failed"));
    expect(await dispatchTasks([task("d")])).toBe(false);
    send.mockRestore();
  });
});
