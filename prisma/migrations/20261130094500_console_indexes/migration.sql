-- Indexes for the staff console's lists and search (server/console).
-- CreateIndex
CREATE INDEX "CustomerIdentifier_tenantId_value_idx" ON "CustomerIdentifier"("tenantId", "value");

-- CreateIndex
CREATE INDEX "Pass_tenantId_createdAt_idx" ON "Pass"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "WebhookReceipt_responseStatus_createdAt_idx" ON "WebhookReceipt"("responseStatus", "createdAt");

-- CreateIndex
CREATE INDEX "SyncTask_status_createdAt_idx" ON "SyncTask"("status", "createdAt");

-- CreateIndex
CREATE INDEX "SyncTask_kind_createdAt_idx" ON "SyncTask"("kind", "createdAt");

-- CreateIndex
CREATE INDEX "AuditLog_action_createdAt_idx" ON "AuditLog"("action", "createdAt");

-- CreateIndex
CREATE INDEX "AuditLog_actor_createdAt_idx" ON "AuditLog"("actor", "createdAt");

