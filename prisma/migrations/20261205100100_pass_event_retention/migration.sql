-- Retention deletes pass events past the retention period too (server/tasks/retention.ts).
ALTER TABLE "RetentionRun" ADD COLUMN "passEventsDeleted" INTEGER NOT NULL DEFAULT 0;
