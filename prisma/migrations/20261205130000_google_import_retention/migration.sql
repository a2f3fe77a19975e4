-- Retention deletes Google Wallet PATCH records and finished bulk enrolments past the retention period too (server/tasks/retention.ts).
ALTER TABLE "RetentionRun" ADD COLUMN "googlePatchesDeleted" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "RetentionRun" ADD COLUMN "passImportsDeleted" INTEGER NOT NULL DEFAULT 0;
CREATE INDEX "GoogleWalletPatch_createdAt_idx" ON "GoogleWalletPatch"("createdAt");
