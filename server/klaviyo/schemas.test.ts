import { describe, expect, it } from "vitest";
import { consentFromTopic, flowToProfileSyncInput, profileSyncBody } from "./schemas";
import { profileSyncInput } from "@/server/customers/profile-sync";
import { klaviyoSample } from "@/server/tooling/testing/klaviyo-samples";

describe("consent from Klaviyo's shapes", () => {
  it("maps the profile's subscriptions (sample flow-profile-sync.suppressed.json) to snapshots per channel", () => {
    const body = profileSyncBody.parse(klaviyoSample("flow-profile-sync.suppressed.json").request.body);
    const input = flowToProfileSyncInput(body);
    expect(input.consent).toEqual({
      email: {
        status: "SUBSCRIBED",
        consentAt: "2026-06-14T09:12:44.000Z",
        method: "PREFERENCE_PAGE",
        canReceiveMarketing: false,
        suppressions: [{ reason: "HARD_BOUNCE", timestamp: "2026-11-29T18:20:05.000Z" }],
        listSuppressions: [],
      },
      sms: { status: "SUBSCRIBED", consentAt: "2026-11-30T14:04:00.000Z", method: "TEXT", canReceiveMarketing: true },
    });
    expect(profileSyncInput.parse(input)).toEqual(input); // a valid task input as stored
  });

  it("maps the flow's consent values: SUPPRESSED adds a suppression and keeps the consent; subscriptions win over consent", () => {
    expect(flowToProfileSyncInput(profileSyncBody.parse({ email: "a@b.co", consent: { email: "suppressed", sms: "subscribed" } })).consent).toEqual({
      email: { suppress: { reason: "USER_SUPPRESSED" } },
      sms: { status: "SUBSCRIBED" },
    });
    const both = profileSyncBody.parse({ email: "a@b.co", consent: { email: "UNSUBSCRIBED" }, subscriptions: { email: { marketing: { consent: "SUBSCRIBED", can_receive_email_marketing: "True" } } } });
    expect(flowToProfileSyncInput(both).consent).toEqual({ email: { status: "SUBSCRIBED", canReceiveMarketing: true, suppressions: [], listSuppressions: [] } });
  });

  it("maps the system-webhook consent topics", () => {
    expect(consentFromTopic("event:klaviyo.subscribed_to_email_marketing")).toEqual({ email: { status: "SUBSCRIBED", unsuppress: true } });
    expect(consentFromTopic("event:klaviyo.unsubscribed_from_sms_marketing")).toEqual({ sms: { status: "UNSUBSCRIBED" } });
    expect(consentFromTopic("event:klaviyo.marked_email_as_spam")).toEqual({ email: { suppress: { reason: "SPAM_COMPLAINT" } } });
    expect(consentFromTopic("event:klaviyo.manually_suppressed_from_email_marketing")).toEqual({ email: { suppress: { reason: "USER_SUPPRESSED" } } });
    expect(consentFromTopic("event:klaviyo.manually_unsuppressed_from_email_marketing")).toEqual({ email: { unsuppress: true } });
    expect(consentFromTopic("event:klaviyo.opened_email")).toBeNull();
    expect(consentFromTopic("event:klaviyo.clicked_sms")).toBeNull();
  });

  it("reads task inputs stored before the model (bare consent strings)", () => {
    const stored = { source: "flow", klaviyoProfileId: null, email: "a@b.co", phone: null, externalId: null, properties: null, topic: null, eventId: null, occurredAt: null, origin: null };
    expect(profileSyncInput.parse({ ...stored, consent: { email: "SUPPRESSED", sms: "UNSUBSCRIBED" } }).consent).toEqual({ email: { suppress: { reason: "USER_SUPPRESSED" } }, sms: { status: "UNSUBSCRIBED" } });
  });
});
