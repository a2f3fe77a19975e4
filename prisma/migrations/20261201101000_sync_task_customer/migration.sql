-- The customer a sync task resolved (Customer.id), recorded even when the task fails after
-- resolving it, like "passId".
ALTER TABLE "SyncTask" ADD COLUMN "customerRecordId" TEXT;

CREATE INDEX "SyncTask_customerRecordId_idx" ON "SyncTask"("customerRecordId");

-- Backfill: profile syncs recorded their customer in the output, pass tasks name it through the pass.
UPDATE "SyncTask" SET "customerRecordId" = output->>'customerRecordId'
 WHERE output IS NOT NULL AND jsonb_typeof(output->'customerRecordId') = 'string';

UPDATE "SyncTask" s SET "customerRecordId" = p."customerRecordId"
  FROM "Pass" p
 WHERE s."passId" = p.id AND s."customerRecordId" IS NULL;
