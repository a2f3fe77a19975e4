/**
 * Every event Passflow sends or receives, with its data schema. Event ids are derived from the
 * task id (`task-<id>`), so a repeated send of the same task collapses into one run.
 */
import { eventType } from "inngest";
import { z } from "zod";

const taskEventData = z.object({
  /** SyncTask.id */
  taskId: z.string(),
  tenantId: z.string(),
  correlationId: z.string(),
});

/** A pushUpdate webhook was accepted: run the pass-update function for the task. */
export const passUpdateRequested = eventType("passflow/pass.update.requested", { schema: taskEventData });

/** A profiles/sync webhook (flow or system webhook event) was accepted: run profile-sync. */
export const profileSyncRequested = eventType("passflow/profile.sync.requested", { schema: taskEventData });

/** A pass event is to be sent to Klaviyo as an event of its metric (SyncTask KLAVIYO_EVENT): run klaviyo-event. */
export const klaviyoEventRequested = eventType("passflow/klaviyo.event.requested", { schema: taskEventData });

/** A pass's profile properties are to be written to Klaviyo (SyncTask KLAVIYO_PROFILE): run klaviyo-profile. */
export const klaviyoProfileRequested = eventType("passflow/klaviyo.profile.requested", { schema: taskEventData });
/** A passes/issue webhook was accepted: run pass-issue (issue or find the pass, make its links). */
export const passIssueRequested = eventType("passflow/pass.issue.requested", { schema: taskEventData });

const passChangedData = z.object({
  passId: z.string(),
  tenantId: z.string(),
  /** Pass.versionTag as a decimal string. */
  versionTag: z.string(),
  /** The task that changed the pass, when one did (none for an erasure). */
  taskId: z.string().nullable(),
  correlationId: z.string(),
});

/** A pass has a new version: push it to every registered device. */
export const passChanged = eventType("passflow/pass.changed", { schema: passChangedData });

/**
 * The `pass.changed` event of one pass version. Its id names the version, so a send repeated
 * after a partial failure pushes nothing twice (Inngest drops repeated event ids).
 */
export function passChangedEvent(data: z.infer<typeof passChangedData>) {
  return passChanged.create(data, { id: `pass-changed-${data.passId}-${data.versionTag}` });
}

/**
 * A pass version is to be PATCHed onto the pass's Google Wallet object: run google-sync. Sent
 * beside `pass.changed` for a pass that has one (passVersionEvents), by a publication (which
 * pushes Apple devices itself, without `pass.changed`), and when an object is written from a
 * version that an update has since replaced.
 */
export const googleObjectSyncRequested = eventType("passflow/google.object.sync.requested", { schema: passChangedData });

/** The `google.object.sync.requested` event of one pass version (its id names the version). */
export function googleObjectSyncEvent(data: z.infer<typeof passChangedData>) {
  return googleObjectSyncRequested.create(data, { id: `google-object-sync-${data.passId}-${data.versionTag}` });
}

/** A changed pass version to announce; `googleObject` when the pass has a Google Wallet object. */
export interface ChangedPassVersion {
  passId: string;
  /** Pass.versionTag as a decimal string. */
  versionTag: string;
  googleObject: boolean;
}

/**
 * The events of changed pass versions: `pass.changed` for each (pass-notify pushes its devices)
 * and `google.object.sync.requested` for those with a Google Wallet object (google-sync PATCHes
 * it), so a pass never saved to Google Wallet costs no google-sync run.
 */
export function passVersionEvents(passes: ChangedPassVersion[], meta: Pick<z.infer<typeof passChangedData>, "tenantId" | "taskId" | "correlationId">) {
  return passes.flatMap((p) => {
    const data = { passId: p.passId, versionTag: p.versionTag, ...meta };
    return p.googleObject ? [passChangedEvent(data), googleObjectSyncEvent(data)] : [passChangedEvent(data)];
  });
}

const publishRequestedData = z.object({
  /** PassTypePublish.id */
  publishId: z.string(),
  tenantId: z.string(),
  correlationId: z.string(),
});

/** A pass type revision was published: give every live pass its new version and push it (pass-type-publish). */
export const passTypePublishRequested = eventType("passflow/pass-type.publish.requested", { schema: publishRequestedData });

/** The event of one publication; its id names the publication, so a repeated send starts one run. */
export function passTypePublishRequestedEvent(data: z.infer<typeof publishRequestedData>) {
  return passTypePublishRequested.create(data, { id: `publish-${data.publishId}` });
}

const importRequestedData = z.object({
  /** PassImport.id */
  importId: z.string(),
  tenantId: z.string(),
  correlationId: z.string(),
});

/** A CSV file of customers was stored: issue their passes (pass-import). */
export const passImportRequested = eventType("passflow/pass.import.requested", { schema: importRequestedData });

/** The event of one import; its id names the import, so a repeated send starts one run. */
export function passImportRequestedEvent(data: z.infer<typeof importRequestedData>) {
  return passImportRequested.create(data, { id: `import-${data.importId}` });
}

export type TaskEventData = z.infer<typeof taskEventData>;
