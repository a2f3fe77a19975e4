-- The console's receipt list filtered by tenant and endpoint (bench:volume: 227 ms p50 on 1,000,000 receipts without it).
CREATE INDEX "WebhookReceipt_tenantId_endpoint_createdAt_idx" ON "WebhookReceipt"("tenantId", "endpoint", "createdAt");
