import { describe, expect, it } from "vitest";
import { MAX_RETENTION_DAYS, tenantSettingsInput } from "./tenants";

const issue = (input: unknown) => {
  const r = tenantSettingsInput.safeParse(input);
  return r.success ? null : `${r.error.issues[0]!.path.join(".")} ${r.error.issues[0]!.message}`;
};

describe("tenantSettingsInput: retention", () => {
  it("takes whole days from 1 to MAX_RETENTION_DAYS, raw-body days up to the retention days", () => {
    expect(tenantSettingsInput.parse({ retentionDays: 90, rawBodyRetentionDays: 30 })).toEqual({ retentionDays: 90, rawBodyRetentionDays: 30 });
    expect(issue({ retentionDays: 7, rawBodyRetentionDays: 7 })).toBeNull();
    expect(issue({ retentionDays: MAX_RETENTION_DAYS, rawBodyRetentionDays: 1 })).toBeNull();
    expect(issue({ retentionDays: 30, rawBodyRetentionDays: 31 })).toBe("rawBodyRetentionDays must not be more than retentionDays");
    expect(issue({ retentionDays: 0 })).toMatch(/^retentionDays /);
    expect(issue({ rawBodyRetentionDays: 1.5 })).toMatch(/^rawBodyRetentionDays /);
    expect(issue({ retentionDays: MAX_RETENTION_DAYS + 1 })).toMatch(/^retentionDays /);
  });
});
