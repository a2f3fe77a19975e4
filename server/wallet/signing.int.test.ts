import { afterEach, describe, expect, it, vi } from "vitest";
import { db } from "../db/client";
import { tenantWithPasses } from "@/server/tooling/testing/wallet-fixtures";
import { signingCredentials } from "./signing";

afterEach(() => vi.restoreAllMocks());

describe("signing credentials", () => {
  it("decrypt and parse the key once per certificate revision, however often the row is read again", async () => {
    const [pass] = await tenantWithPasses();
    const type = await db().passType.findFirstOrThrow({ where: { tenantId: pass!.tenantId, key: "basic" } });
    const load = () => signingCredentials(pass!.tenantId, type.passTypeIdentifier, type.teamIdentifier);
    const first = await load();
    expect(first.signer.privateKey.asymmetricKeyType).toBe("rsa");

    // a minute later the row is read again (a new credentials object), but the same signer serves it
    const now = Date.now();
    vi.spyOn(Date, "now").mockReturnValue(now + 61_000);
    const reread = await load();
    expect(reread).not.toBe(first);
    expect(reread.signer).toBe(first.signer);

    // a changed certificate row (a new revision), read when the minute is up, is parsed again
    await db().walletCertificate.update({ where: { id: first.certificateId }, data: { updatedAt: new Date(now + 1000) } });
    vi.spyOn(Date, "now").mockReturnValue(now + 122_000);
    const changed = await load();
    expect(changed.revision).not.toBe(first.revision);
    expect(changed.signer).not.toBe(first.signer);
  }, 60_000);
});
