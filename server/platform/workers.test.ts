import { describe, expect, it } from "vitest";
import { parseEnv } from "./env";
import { workerCount } from "./workers";

describe("workerCount", () => {
  it("is PASSFLOW_WORKERS when set, else one per core in production and 1 otherwise", () => {
    expect(workerCount({ PASSFLOW_WORKERS: 3, NODE_ENV: "production" }, 2)).toBe(3);
    expect(workerCount({ PASSFLOW_WORKERS: 1, NODE_ENV: "production" }, 8)).toBe(1);
    expect(workerCount({ PASSFLOW_WORKERS: undefined, NODE_ENV: "production" }, 8)).toBe(8);
    expect(workerCount({ PASSFLOW_WORKERS: undefined, NODE_ENV: "development" }, 8)).toBe(1);
  });

  it("reads PASSFLOW_WORKERS as a whole number 1-256 (empty: unset)", () => {
    expect(parseEnv({ PASSFLOW_WORKERS: "2" }).PASSFLOW_WORKERS).toBe(2);
    expect(parseEnv({ PASSFLOW_WORKERS: "" }).PASSFLOW_WORKERS).toBeUndefined();
    for (const bad of ["0", "two", "1.5", "300"]) {
      expect(() => parseEnv({ PASSFLOW_WORKERS: bad })).toThrow("invalid configuration: PASSFLOW_WORKERS: must be a whole number 1-256");
    }
  });
});
