import { describe, expect, inject, it } from "vitest";
import { pgPool } from "./client";

describe("the app's database sessions", () => {
  // the embedded PGlite has no JIT provider (no LLVM) and ignores startup options
  it.skipIf(inject("databaseEmbedded"))("run without JIT compilation", async () => {
    const { rows } = await pgPool().query<{ jit: string }>("SHOW jit");
    expect(rows[0]!.jit).toBe("off");
  });
});
