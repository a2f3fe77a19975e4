-- Distribution: the Klaviyo flow listener passes/issue (its receipts and PASS_ISSUE tasks) and the
-- lifetime of the links made for a pass (the Add to Wallet page and the .pkpass file).
ALTER TYPE "WebhookEndpoint" ADD VALUE 'PASS_ISSUE';
ALTER TYPE "SyncTaskKind" ADD VALUE 'PASS_ISSUE';

ALTER TABLE "Tenant" ADD COLUMN "passLinkTtlDays" INTEGER NOT NULL DEFAULT 7;
ALTER TABLE "Tenant" ADD CONSTRAINT "Tenant_passLinkTtlDays_check" CHECK ("passLinkTtlDays" BETWEEN 1 AND 366);
