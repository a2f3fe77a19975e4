-- Publishing a pass type revision to every holder (server/passes/publish.ts, the
-- pass-type-publish function) and the per-pass notification budget.

-- The publish record: progress of one publication, walked in batches by pass id (keyset).
CREATE TYPE "PublishStatus" AS ENUM ('RUNNING', 'SUCCEEDED', 'SUPERSEDED', 'FAILED');

CREATE TABLE "PassTypePublish" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "passTypeId" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "previousRevision" INTEGER NOT NULL,
    "status" "PublishStatus" NOT NULL DEFAULT 'RUNNING',
    "total" INTEGER NOT NULL,
    "done" INTEGER NOT NULL DEFAULT 0,
    "pushesSent" INTEGER NOT NULL DEFAULT 0,
    "pushesFailed" INTEGER NOT NULL DEFAULT 0,
    "muted" INTEGER NOT NULL DEFAULT 0,
    "cursor" TEXT,
    "pushedCursor" TEXT,
    "batchSize" INTEGER NOT NULL,
    "actor" TEXT NOT NULL,
    "message" TEXT,
    "notify" TEXT,
    "correlationId" TEXT NOT NULL,
    "lastError" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PassTypePublish_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "PassTypePublish_passTypeId_startedAt_idx" ON "PassTypePublish"("passTypeId", "startedAt");
CREATE INDEX "PassTypePublish_tenantId_startedAt_idx" ON "PassTypePublish"("tenantId", "startedAt");
ALTER TABLE "PassTypePublish" ADD CONSTRAINT "PassTypePublish_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "PassTypePublish" ADD CONSTRAINT "PassTypePublish_passTypeId_fkey" FOREIGN KEY ("passTypeId") REFERENCES "PassType"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The walk: the passes of a pass type in id order.
DROP INDEX "Pass_passTypeId_idx";
CREATE INDEX "Pass_passTypeId_id_idx" ON "Pass"("passTypeId", "id");

-- The notification budget (tenant settings) and the push rate of a publish.
ALTER TABLE "Tenant" ADD COLUMN "notificationsPerDay" INTEGER NOT NULL DEFAULT 10,
                     ADD COLUMN "notificationSpacingMinutes" INTEGER NOT NULL DEFAULT 0,
                     ADD COLUMN "publishPushesPerSecond" INTEGER NOT NULL DEFAULT 2000;

-- A version whose alerts the budget muted is built without changeMessage, and the lock-screen
-- message of a publish is the notice of the pass (a back field whose changeMessage is "%@").
ALTER TABLE "Pass" ADD COLUMN "alertsMuted" BOOLEAN NOT NULL DEFAULT false,
                   ADD COLUMN "notice" TEXT;

-- Which changes would show a lock-screen message (alerting), and which the budget muted and why.
ALTER TABLE "PassChange" ADD COLUMN "alerting" BOOLEAN NOT NULL DEFAULT false,
                         ADD COLUMN "muted" BOOLEAN NOT NULL DEFAULT false,
                         ADD COLUMN "mutedReason" TEXT;

-- The budget rule, in one place for every writer of pass versions (pass updates, profile syncs,
-- publishes): why an alerting change of the pass made now would be muted, or NULL when it may
-- alert. daily_limit: the pass showed notificationsPerDay alerts in the last 24 h, spacing:
-- its last alert is less than notificationSpacingMinutes old. Times are UTC, as in PassChange.
CREATE FUNCTION passflow_alert_muted_reason(pass_id TEXT) RETURNS TEXT LANGUAGE sql STABLE AS E'
  SELECT CASE
           WHEN count(c.id) >= max(t."notificationsPerDay") THEN ''daily_limit''
           WHEN max(t."notificationSpacingMinutes") > 0
            AND max(c."createdAt") > (now() AT TIME ZONE ''UTC'') - make_interval(mins => max(t."notificationSpacingMinutes")) THEN ''spacing''
         END
    FROM "Pass" p
    JOIN "Tenant" t ON t.id = p."tenantId"
    LEFT JOIN "PassChange" c ON c."passId" = p.id AND c.alerting AND NOT c.muted
                             AND c."createdAt" > (now() AT TIME ZONE ''UTC'') - interval ''24 hours''
   WHERE p.id = pass_id
';
