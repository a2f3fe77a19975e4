import { describe, expect, it } from "vitest";
import { funnelStage } from "./funnel";

describe("delivery funnel stage", () => {
  const now = Date.parse("2026-11-30T12:00:00Z");
  const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000);
  it("follows accepted → listed → downloaded, or stalled after the window", () => {
    const stall = 10 * 60_000;
    expect(funnelStage({ status: "ACCEPTED", createdAt: at(1), listedAt: null, downloadedAt: null }, now, stall)).toBe("accepted");
    expect(funnelStage({ status: "ACCEPTED", createdAt: at(1), listedAt: at(0.5), downloadedAt: null }, now, stall)).toBe("listed");
    expect(funnelStage({ status: "ACCEPTED", createdAt: at(30), listedAt: at(29), downloadedAt: at(29) }, now, stall)).toBe("downloaded");
    expect(funnelStage({ status: "ACCEPTED", createdAt: at(30), listedAt: at(29), downloadedAt: null }, now, stall)).toBe("stalled");
    expect(funnelStage({ status: "REJECTED", createdAt: at(30), listedAt: null, downloadedAt: null }, now, stall)).toBe("rejected");
    expect(funnelStage({ status: "QUEUED", createdAt: at(30), listedAt: null, downloadedAt: null }, now, stall)).toBe("queued");
  });
});
