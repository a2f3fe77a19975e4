-- Retention finds the receipts whose raw body is still kept by tenant and age, without walking
-- the ones already purged (every receipt older than the raw-body period once the first run is done).
-- Partial, so it holds the raw-body period only. Prisma cannot declare it: prisma/schema.prisma names it in a comment.
CREATE INDEX "WebhookReceipt_tenantId_createdAt_body_idx" ON "WebhookReceipt"("tenantId", "createdAt") WHERE "bodyPurgedAt" IS NULL;
