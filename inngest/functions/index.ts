/** Every Inngest function Passflow serves (app/api/inngest/route.ts), given what they push through. */
import type { PushSender } from "@/server/wallet/push";
import { activityRollup } from "./activity-rollup";
import { createPassNotify } from "./pass-notify";
import { dataRetention } from "./data-retention";
import { googleSync } from "./google-sync";
import { klaviyoEvent } from "./klaviyo-event";
import { klaviyoProfile } from "./klaviyo-profile";
import { createPassTypePublish } from "./pass-type-publish";
import { passIssue } from "./pass-issue";
import { passImport } from "./pass-import";
import { passUpdate } from "./pass-update";
import { profileSync } from "./profile-sync";
import { tasksRedispatch } from "./tasks-redispatch";

export function createFunctions(deps: { pushSender: PushSender }) {
  return [passUpdate, profileSync, passIssue, createPassNotify(deps.pushSender), createPassTypePublish(deps.pushSender), passImport, googleSync, tasksRedispatch, dataRetention, activityRollup, klaviyoEvent, klaviyoProfile];
}
