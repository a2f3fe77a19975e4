import { describe, expect, it } from "vitest";
import { eventDocument } from "./api";
import { retryAfterSeconds } from "@/server/platform/http/retry-after";
import { METRIC_NAMES, metricName, profileIdentity, profilePropertyNames } from "./outbound";

describe("Klaviyo outbound names and shapes", () => {
  it("names the metric of each pass event, per wallet; page openings and downloads are not sent", () => {
    expect(metricName("ISSUED", null)).toBe("Pass Issued");
    expect(metricName("INSTALLED", "APPLE")).toBe("Added to Apple Wallet");
    expect(metricName("REMOVED", "APPLE")).toBe("Removed from Apple Wallet");
    expect(metricName("INSTALLED", "GOOGLE")).toBe("Added to Google Wallet");
    expect(metricName("REMOVED", "GOOGLE")).toBe("Removed from Google Wallet");
    expect(metricName("UPDATED", null)).toBe("Pass Updated");
    expect(metricName("PAGE_OPENED", null)).toBeNull();
    expect(metricName("DOWNLOADED", "APPLE")).toBeNull();
    expect([...METRIC_NAMES].sort()).toEqual(
      ["Added to Apple Wallet", "Added to Google Wallet", "Pass Issued", "Pass Updated", "Removed from Apple Wallet", "Removed from Google Wallet"],
    );
  });

  it("names the profile properties per pass type key", () => {
    expect(profilePropertyNames("basic")).toEqual({
      url: "passflow_basic_url",
      pkpassUrl: "passflow_basic_pkpass_url",
      linksExpireAt: "passflow_basic_links_expire_at",
      serialNumber: "passflow_basic_serial_number",
      passType: "passflow_basic_pass_type",
      state: "passflow_basic_state",
    });
  });

  it("identifies the profile by its Klaviyo id when known, else by what the customer has", () => {
    const none = { email: null, phone: null, customerId: null, klaviyoProfileId: null, erasedAt: null };
    expect(profileIdentity({ ...none, klaviyoProfileId: "01P", email: "a@example.com" })).toEqual({ id: "01P" });
    expect(profileIdentity({ ...none, email: "a@example.com", phone: "+14155550100", customerId: "C-1" })).toEqual({ email: "a@example.com", phone_number: "+14155550100", external_id: "C-1" });
    expect(profileIdentity(none)).toBeNull();
  });

  it("builds Klaviyo's Create Event document", () => {
    expect(eventDocument({ metric: "Pass Issued", profile: { id: "01P" }, properties: { serial_number: "S" }, time: "2026-12-01T00:00:00.000Z", uniqueId: "ev1" })).toEqual({
      data: {
        type: "event",
        attributes: {
          properties: { serial_number: "S" },
          time: "2026-12-01T00:00:00.000Z",
          unique_id: "ev1",
          metric: { data: { type: "metric", attributes: { name: "Pass Issued" } } },
          profile: { data: { type: "profile", id: "01P", attributes: {} } },
        },
      },
    });
  });

  it("reads Retry-After as seconds or an HTTP date, at least 1", () => {
    expect(retryAfterSeconds("2")).toBe(2);
    expect(retryAfterSeconds("0")).toBe(1);
    expect(retryAfterSeconds(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThanOrEqual(4);
    expect(retryAfterSeconds(null)).toBeUndefined();
    expect(retryAfterSeconds("soon")).toBeUndefined();
  });
});
