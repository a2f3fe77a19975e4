/** Every Inngest function Passflow serves (app/api/inngest/route.ts). */
import { passNotify } from "./pass-notify";
import { passUpdate } from "./pass-update";
import { profileSync } from "./profile-sync";
import { tasksRedispatch } from "./tasks-redispatch";

export const functions = [passUpdate, profileSync, passNotify, tasksRedispatch];
