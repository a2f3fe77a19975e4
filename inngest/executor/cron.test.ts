import { describe, expect, it } from "vitest";
import { parseCron } from "./cron";

describe("parseCron", () => {
  it("finds the next matching minute (UTC)", () => {
    const at = new Date("2026-11-30T10:15:30.000Z");
    expect(parseCron("* * * * *").next(at).toISOString()).toBe("2026-11-30T10:16:00.000Z");
    expect(parseCron("*/15 * * * *").next(at).toISOString()).toBe("2026-11-30T10:30:00.000Z");
    expect(parseCron("0 9 * * 1-5").next(at).toISOString()).toBe("2026-12-01T09:00:00.000Z");
    expect(parseCron("5,10 0 1 1 *").next(at).toISOString()).toBe("2027-01-01T00:05:00.000Z");
  });

  it("refuses what it does not support", () => {
    expect(() => parseCron("TZ=Europe/Paris * * * * *")).toThrow(/five fields/);
    expect(() => parseCron("61 * * * *")).toThrow(/out of range/);
    expect(() => parseCron("@hourly")).toThrow();
  });
});
