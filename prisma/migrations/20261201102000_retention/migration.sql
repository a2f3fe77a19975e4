-- Retention (server/tasks/retention.ts): per tenant, how long webhook bodies and headers are kept
-- and how long receipts, sync tasks, pass changes and push deliveries are kept.
ALTER TABLE "Tenant" ADD COLUMN "rawBodyRetentionDays" INTEGER NOT NULL DEFAULT 30,
  ADD COLUMN "retentionDays" INTEGER NOT NULL DEFAULT 90,
  ADD CONSTRAINT "Tenant_retention_check" CHECK ("rawBodyRetentionDays" >= 1 AND "rawBodyRetentionDays" <= "retentionDays");

-- A receipt past the raw-body period keeps its metadata and loses its body and headers.
ALTER TABLE "WebhookReceipt" ALTER COLUMN "headers" DROP NOT NULL,
  ALTER COLUMN "rawBody" DROP NOT NULL,
  ADD COLUMN "bodyPurgedAt" TIMESTAMP(3);

-- Receipts whose body is still stored, oldest first per tenant (the body purge scans only these).
CREATE INDEX "WebhookReceipt_body_kept_idx" ON "WebhookReceipt"("tenantId", "createdAt") WHERE "bodyPurgedAt" IS NULL;

-- The oldest rows first, for the row purge.
CREATE INDEX "PassChange_createdAt_idx" ON "PassChange"("createdAt");
CREATE INDEX "PushDelivery_createdAt_idx" ON "PushDelivery"("createdAt");

CREATE TABLE "RetentionRun" (
    "id" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "receiptBodiesPurged" INTEGER NOT NULL DEFAULT 0,
    "receiptsDeleted" INTEGER NOT NULL DEFAULT 0,
    "tasksDeleted" INTEGER NOT NULL DEFAULT 0,
    "passChangesDeleted" INTEGER NOT NULL DEFAULT 0,
    "pushDeliveriesDeleted" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "RetentionRun_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "RetentionRun_startedAt_idx" ON "RetentionRun"("startedAt");

-- The overview's counts of the rows retention deleted, per tenant and UTC day.
CREATE TABLE "DailyActivity" (
    "tenantId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "webhooks" INTEGER NOT NULL DEFAULT 0,
    "succeeded" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "pushes" INTEGER NOT NULL DEFAULT 0,
    "pushFailures" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "DailyActivity_pkey" PRIMARY KEY ("tenantId", "day")
);
ALTER TABLE "DailyActivity" ADD CONSTRAINT "DailyActivity_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
