-- Apple Wallet web service (issue 5): exact update tags, Last-Modified per version, the push
-- token per registration, one push delivery per device and pass version.

-- AlterTable
ALTER TABLE "Pass" ADD COLUMN     "modifiedAt" TIMESTAMP(3),
ADD COLUMN     "versionXid" BIGINT;

-- AlterTable
ALTER TABLE "Registration" ADD COLUMN     "pushToken" TEXT;

-- One delivery per (pass, version, device): drop duplicates the recording sender may have made.
DELETE FROM "PushDelivery" a USING "PushDelivery" b
WHERE a."passId" = b."passId" AND a."versionTag" = b."versionTag" AND a."deviceId" = b."deviceId"
  AND (a."createdAt", a."id") < (b."createdAt", b."id");

-- CreateIndex
CREATE UNIQUE INDEX "PushDelivery_passId_versionTag_deviceId_key" ON "PushDelivery"("passId", "versionTag", "deviceId");

-- CreateIndex
CREATE INDEX "PushDelivery_passId_downloadedAt_listedAt_idx" ON "PushDelivery"("passId", "downloadedAt", "listedAt");

-- Whenever a pass gets a new versionTag (and on insert), record the changing transaction's id and
-- the version's Last-Modified second. Whatever code changes a pass, these stay right:
--   versionXid: pg_current_xact_id() (xid8, never wraps). The web service lists a pass for a
--     device when this id is not visible in the snapshot its previous listing used (exact tags).
--   modifiedAt: whole UTC seconds, strictly increasing per pass (at least the previous + 1 s), so
--     If-Modified-Since never mistakes a second change within the same second for the first.
-- The body is an E'' string with \073 for each semicolon: Prisma's pg adapter splits migration
-- scripts at every semicolon (even inside function bodies), so the body must not contain one.
CREATE FUNCTION passflow_pass_version() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''INSERT'' THEN
    NEW."versionXid" := pg_current_xact_id()::text::bigint\073
    NEW."modifiedAt" := date_trunc(''second'', clock_timestamp() AT TIME ZONE ''UTC'')\073
  ELSIF NEW."versionTag" IS DISTINCT FROM OLD."versionTag" THEN
    NEW."versionXid" := pg_current_xact_id()::text::bigint\073
    NEW."modifiedAt" := greatest(
      date_trunc(''second'', clock_timestamp() AT TIME ZONE ''UTC''),
      coalesce(OLD."modifiedAt", ''-infinity''::timestamp) + interval ''1 second'')\073
  END IF\073
  RETURN NEW\073
END
';

CREATE TRIGGER "Pass_version" BEFORE INSERT OR UPDATE ON "Pass"
FOR EACH ROW EXECUTE FUNCTION passflow_pass_version();

-- Existing passes: their current version as of now.
UPDATE "Pass" SET "versionXid" = pg_current_xact_id()::text::bigint,
  "modifiedAt" = date_trunc('second', "updatedAt");
