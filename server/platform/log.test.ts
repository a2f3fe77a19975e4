import { describe, expect, it } from "vitest";
import { Writable } from "node:stream";
import { createLogger, withCorrelation } from "./log";

describe("log", () => {
  it("writes JSON lines with the correlation id and redacts secrets", () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
    const log = createLogger(sink);
    log.level = "info";
    log.info("outside");
    withCorrelation("corr-123", () => log.info({ headers: { authorization: "Bearer pf_secret" }, apiKey: "pf_secret" }, "received"));
    const line = lines.map((l) => JSON.parse(l)).find((l) => l.msg === "received");
    expect(line).toMatchObject({ correlationId: "corr-123", apiKey: "[redacted]", headers: { authorization: "[redacted]" } });
    expect(lines.join("")).not.toContain("pf_secret");
    expect(JSON.parse(lines[0]!)).not.toHaveProperty("correlationId");
  });
});
