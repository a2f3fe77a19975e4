-- An Idempotency-Key is remembered per tenant and endpoint: the same key on pushUpdate and on
-- profiles/sync names two different deliveries.
DROP INDEX "WebhookReceipt_tenantId_idempotencyKey_key";

CREATE UNIQUE INDEX "WebhookReceipt_tenantId_endpoint_idempotencyKey_key" ON "WebhookReceipt"("tenantId", "endpoint", "idempotencyKey");
