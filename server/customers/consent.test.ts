import { describe, expect, it } from "vitest";
import { applyConsentChange, readConsent, type ChannelConsent } from "./consent";

const AT = "2026-12-01T10:00:00.000Z";
const hardBounce = { reason: "HARD_BOUNCE" as const, timestamp: "2026-11-29T18:20:05.000Z" };

function stored(over: Partial<ChannelConsent> = {}): ChannelConsent {
  return { status: "SUBSCRIBED", suppressions: [], listSuppressions: [], canReceiveMarketing: true, consentAt: "2026-06-14T09:12:44.000Z", method: null, updatedAt: "2026-11-30T00:00:00.000Z", ...over };
}

describe("applyConsentChange", () => {
  it("keeps a snapshot's suppression beside SUBSCRIBED and its can_receive as Klaviyo sent it", () => {
    const next = applyConsentChange("email", undefined, { status: "SUBSCRIBED", suppressions: [hardBounce], canReceiveMarketing: false, consentAt: "2026-06-14T09:12:44.000Z" }, AT);
    expect(next).toEqual({ status: "SUBSCRIBED", suppressions: [hardBounce], listSuppressions: [], canReceiveMarketing: false, consentAt: "2026-06-14T09:12:44.000Z", method: null, updatedAt: AT });
  });

  it("a suppress event adds the suppression at the event's time and keeps the consent status", () => {
    const next = applyConsentChange("email", stored({ suppressions: [hardBounce], canReceiveMarketing: false }), { suppress: { reason: "SPAM_COMPLAINT" } }, AT);
    expect(next).toMatchObject({ status: "SUBSCRIBED", suppressions: [hardBounce, { reason: "SPAM_COMPLAINT", timestamp: AT }], canReceiveMarketing: false, consentAt: "2026-06-14T09:12:44.000Z" });
    // the same reason again changes nothing
    const again = applyConsentChange("email", next, { suppress: { reason: "SPAM_COMPLAINT" } }, "2026-12-02T00:00:00.000Z");
    expect(again).toBe(next);
  });

  it("unsuppress lifts every suppression; the email channel can receive again unless unsubscribed", () => {
    expect(applyConsentChange("email", stored({ suppressions: [hardBounce], canReceiveMarketing: false }), { unsuppress: true }, AT)).toMatchObject({ status: "SUBSCRIBED", suppressions: [], canReceiveMarketing: true });
    expect(applyConsentChange("email", stored({ status: "UNSUBSCRIBED", suppressions: [hardBounce], canReceiveMarketing: false }), { unsuppress: true }, AT)).toMatchObject({ suppressions: [], canReceiveMarketing: false });
  });

  it("a resubscribe (the status becoming SUBSCRIBED) lifts the suppressions; a status already SUBSCRIBED keeps them", () => {
    const unsubscribed = stored({ status: "UNSUBSCRIBED", suppressions: [hardBounce], canReceiveMarketing: false });
    expect(applyConsentChange("email", unsubscribed, { status: "SUBSCRIBED" }, AT)).toMatchObject({ status: "SUBSCRIBED", suppressions: [], canReceiveMarketing: true, consentAt: AT });
    const bounced = stored({ suppressions: [hardBounce], canReceiveMarketing: false });
    expect(applyConsentChange("email", bounced, { status: "SUBSCRIBED" }, AT)).toBe(bounced);
  });

  it("unsubscribing keeps the suppressions; sms can receive only when SUBSCRIBED", () => {
    expect(applyConsentChange("email", stored({ suppressions: [hardBounce] }), { status: "UNSUBSCRIBED" }, AT)).toMatchObject({ status: "UNSUBSCRIBED", suppressions: [hardBounce], canReceiveMarketing: false });
    expect(applyConsentChange("sms", undefined, { status: "NEVER_SUBSCRIBED" }, AT)).toMatchObject({ status: "NEVER_SUBSCRIBED", canReceiveMarketing: false });
    expect(applyConsentChange("sms", undefined, { status: "SUBSCRIBED" }, AT)).toMatchObject({ status: "SUBSCRIBED", canReceiveMarketing: true, consentAt: AT });
  });

  it("a suppression for a customer without stored consent leaves the status unknown", () => {
    expect(applyConsentChange("email", undefined, { suppress: { reason: "USER_SUPPRESSED", timestamp: "2026-11-30T15:15:00.000Z" } }, AT)).toEqual({
      status: null,
      suppressions: [{ reason: "USER_SUPPRESSED", timestamp: "2026-11-30T15:15:00.000Z" }],
      listSuppressions: [],
      canReceiveMarketing: false,
      consentAt: null,
      method: null,
      updatedAt: AT,
    });
  });
});

describe("readConsent", () => {
  it("reads entries written before the model: a SUPPRESSED status is a USER_SUPPRESSED suppression at its time, the consent unknown", () => {
    expect(readConsent({ email: { status: "SUPPRESSED", updatedAt: "2026-11-30T10:00:00.000Z" }, sms: { status: "SUBSCRIBED", updatedAt: "2026-11-30T11:00:00.000Z" } })).toEqual({
      email: { status: null, suppressions: [{ reason: "USER_SUPPRESSED", timestamp: "2026-11-30T10:00:00.000Z" }], listSuppressions: [], canReceiveMarketing: false, consentAt: null, method: null, updatedAt: "2026-11-30T10:00:00.000Z" },
      sms: { status: "SUBSCRIBED", suppressions: [], listSuppressions: [], canReceiveMarketing: true, consentAt: null, method: null, updatedAt: "2026-11-30T11:00:00.000Z" },
    });
    expect(readConsent({})).toEqual({});
    expect(readConsent(null)).toEqual({});
  });
});
