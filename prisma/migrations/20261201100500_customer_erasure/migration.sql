-- Customer erasure (server/customers/erasure.ts): what was erased keeps only an erasedAt mark.
ALTER TABLE "Customer" ADD COLUMN "erasedAt" TIMESTAMP(3);
ALTER TABLE "Pass" ADD COLUMN "erasedAt" TIMESTAMP(3);
ALTER TABLE "WebhookReceipt" ADD COLUMN "erasedAt" TIMESTAMP(3);
ALTER TABLE "SyncTask" ADD COLUMN "erasedAt" TIMESTAMP(3);
