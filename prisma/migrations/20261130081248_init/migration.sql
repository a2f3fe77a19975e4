-- CreateEnum
CREATE TYPE "TenantStatus" AS ENUM ('ACTIVE', 'SUSPENDED');

-- CreateEnum
CREATE TYPE "StaffRole" AS ENUM ('ADMIN', 'OPERATOR', 'VIEWER');

-- CreateEnum
CREATE TYPE "PassStyle" AS ENUM ('storeCard', 'coupon', 'generic', 'eventTicket', 'boardingPass');

-- CreateEnum
CREATE TYPE "WebhookEndpoint" AS ENUM ('PASS_PUSH_UPDATE', 'PROFILE_SYNC');

-- CreateEnum
CREATE TYPE "SyncTaskKind" AS ENUM ('PASS_UPDATE', 'PROFILE_SYNC');

-- CreateEnum
CREATE TYPE "SyncTaskStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED');

-- CreateEnum
CREATE TYPE "PushStatus" AS ENUM ('QUEUED', 'ACCEPTED', 'REJECTED', 'FAILED');

-- CreateTable
CREATE TABLE "Tenant" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" "TenantStatus" NOT NULL DEFAULT 'ACTIVE',
    "klaviyoEnabled" BOOLEAN NOT NULL DEFAULT true,
    "klaviyoWebhookSecretEncrypted" TEXT,
    "klaviyoWebhookSecretPrevEncrypted" TEXT,
    "merchantSyncUrl" TEXT,
    "merchantSyncSecretEncrypted" TEXT,
    "defaultPhoneRegion" TEXT NOT NULL DEFAULT 'US',
    "customIdentifierKeys" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "tenantRequestsPerMinute" INTEGER NOT NULL DEFAULT 6000,
    "apiKeyRequestsPerMinute" INTEGER NOT NULL DEFAULT 3000,
    "apnsKeyId" TEXT,
    "apnsTeamId" TEXT,
    "apnsKeyEncrypted" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Tenant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "scopes" TEXT[],
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StaffUser" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT,
    "role" "StaffRole" NOT NULL DEFAULT 'VIEWER',
    "disabledAt" TIMESTAMP(3),
    "lastLoginAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StaffUser_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Customer" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "email" TEXT,
    "phone" TEXT,
    "customerId" TEXT,
    "klaviyoProfileId" TEXT,
    "properties" JSONB NOT NULL DEFAULT '{}',
    "consent" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CustomerIdentifier" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "customerRecordId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "CustomerIdentifier_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PassType" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "style" "PassStyle" NOT NULL DEFAULT 'storeCard',
    "passTypeIdentifier" TEXT NOT NULL,
    "teamIdentifier" TEXT NOT NULL,
    "template" JSONB NOT NULL DEFAULT '{}',
    "images" JSONB NOT NULL DEFAULT '{}',
    "fields" JSONB NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PassType_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WalletCertificate" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "passTypeIdentifier" TEXT NOT NULL,
    "teamIdentifier" TEXT NOT NULL,
    "certificatePem" TEXT NOT NULL,
    "privateKeyEncrypted" TEXT NOT NULL,
    "wwdrPem" TEXT NOT NULL,
    "development" BOOLEAN NOT NULL DEFAULT false,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WalletCertificate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Pass" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "customerRecordId" TEXT NOT NULL,
    "passTypeId" TEXT NOT NULL,
    "serialNumber" TEXT NOT NULL,
    "authenticationTokenEncrypted" TEXT NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "versionTag" BIGSERIAL NOT NULL,
    "voided" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Pass_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PassChange" (
    "id" TEXT NOT NULL,
    "passId" TEXT NOT NULL,
    "taskId" TEXT,
    "versionTag" BIGINT NOT NULL,
    "changes" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PassChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Device" (
    "id" TEXT NOT NULL,
    "deviceLibraryIdentifier" TEXT NOT NULL,
    "pushToken" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Device_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Registration" (
    "id" TEXT NOT NULL,
    "deviceId" TEXT NOT NULL,
    "passId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Registration_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PushDelivery" (
    "id" TEXT NOT NULL,
    "passId" TEXT NOT NULL,
    "deviceId" TEXT NOT NULL,
    "versionTag" BIGINT NOT NULL,
    "status" "PushStatus" NOT NULL DEFAULT 'QUEUED',
    "apnsId" TEXT,
    "statusCode" INTEGER,
    "reason" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "correlationId" TEXT,
    "listedAt" TIMESTAMP(3),
    "downloadedAt" TIMESTAMP(3),
    "downloadCode" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PushDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PassKitLog" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT,
    "deviceId" TEXT,
    "passId" TEXT,
    "message" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PassKitLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookReceipt" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "endpoint" "WebhookEndpoint" NOT NULL,
    "correlationId" TEXT NOT NULL,
    "idempotencyKey" TEXT,
    "headers" JSONB NOT NULL,
    "rawBody" TEXT NOT NULL,
    "responseStatus" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookReceipt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SyncTask" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "receiptId" TEXT,
    "kind" "SyncTaskKind" NOT NULL,
    "status" "SyncTaskStatus" NOT NULL DEFAULT 'QUEUED',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "errorCode" TEXT,
    "lastError" TEXT,
    "correlationId" TEXT NOT NULL,
    "dedupeKey" TEXT,
    "input" JSONB NOT NULL,
    "output" JSONB,
    "passId" TEXT,
    "replayOfId" TEXT,
    "queuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SyncTask_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Tenant_slug_key" ON "Tenant"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_prefix_key" ON "ApiKey"("prefix");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");

-- CreateIndex
CREATE INDEX "ApiKey_tenantId_createdAt_idx" ON "ApiKey"("tenantId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "StaffUser_email_key" ON "StaffUser"("email");

-- CreateIndex
CREATE INDEX "Customer_tenantId_createdAt_idx" ON "Customer"("tenantId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Customer_tenantId_email_key" ON "Customer"("tenantId", "email");

-- CreateIndex
CREATE UNIQUE INDEX "Customer_tenantId_phone_key" ON "Customer"("tenantId", "phone");

-- CreateIndex
CREATE UNIQUE INDEX "Customer_tenantId_customerId_key" ON "Customer"("tenantId", "customerId");

-- CreateIndex
CREATE UNIQUE INDEX "Customer_tenantId_klaviyoProfileId_key" ON "Customer"("tenantId", "klaviyoProfileId");

-- CreateIndex
CREATE INDEX "CustomerIdentifier_customerRecordId_idx" ON "CustomerIdentifier"("customerRecordId");

-- CreateIndex
CREATE UNIQUE INDEX "CustomerIdentifier_tenantId_key_value_key" ON "CustomerIdentifier"("tenantId", "key", "value");

-- CreateIndex
CREATE UNIQUE INDEX "PassType_tenantId_key_key" ON "PassType"("tenantId", "key");

-- CreateIndex
CREATE UNIQUE INDEX "WalletCertificate_tenantId_passTypeIdentifier_key" ON "WalletCertificate"("tenantId", "passTypeIdentifier");

-- CreateIndex
CREATE UNIQUE INDEX "Pass_serialNumber_key" ON "Pass"("serialNumber");

-- CreateIndex
CREATE INDEX "Pass_tenantId_customerRecordId_idx" ON "Pass"("tenantId", "customerRecordId");

-- CreateIndex
CREATE INDEX "Pass_passTypeId_idx" ON "Pass"("passTypeId");

-- CreateIndex
CREATE INDEX "Pass_versionTag_idx" ON "Pass"("versionTag");

-- CreateIndex
CREATE INDEX "PassChange_passId_createdAt_idx" ON "PassChange"("passId", "createdAt");

-- CreateIndex
CREATE INDEX "PassChange_taskId_idx" ON "PassChange"("taskId");

-- CreateIndex
CREATE UNIQUE INDEX "Device_deviceLibraryIdentifier_key" ON "Device"("deviceLibraryIdentifier");

-- CreateIndex
CREATE INDEX "Registration_passId_idx" ON "Registration"("passId");

-- CreateIndex
CREATE UNIQUE INDEX "Registration_deviceId_passId_key" ON "Registration"("deviceId", "passId");

-- CreateIndex
CREATE INDEX "PushDelivery_passId_createdAt_idx" ON "PushDelivery"("passId", "createdAt");

-- CreateIndex
CREATE INDEX "PushDelivery_deviceId_createdAt_idx" ON "PushDelivery"("deviceId", "createdAt");

-- CreateIndex
CREATE INDEX "PushDelivery_status_createdAt_idx" ON "PushDelivery"("status", "createdAt");

-- CreateIndex
CREATE INDEX "PassKitLog_tenantId_createdAt_idx" ON "PassKitLog"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "PassKitLog_passId_idx" ON "PassKitLog"("passId");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookReceipt_correlationId_key" ON "WebhookReceipt"("correlationId");

-- CreateIndex
CREATE INDEX "WebhookReceipt_tenantId_createdAt_idx" ON "WebhookReceipt"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "WebhookReceipt_endpoint_createdAt_idx" ON "WebhookReceipt"("endpoint", "createdAt");

-- CreateIndex
CREATE INDEX "WebhookReceipt_createdAt_idx" ON "WebhookReceipt"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookReceipt_tenantId_idempotencyKey_key" ON "WebhookReceipt"("tenantId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "SyncTask_status_queuedAt_idx" ON "SyncTask"("status", "queuedAt");

-- CreateIndex
CREATE INDEX "SyncTask_tenantId_status_createdAt_idx" ON "SyncTask"("tenantId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "SyncTask_tenantId_kind_createdAt_idx" ON "SyncTask"("tenantId", "kind", "createdAt");

-- CreateIndex
CREATE INDEX "SyncTask_errorCode_createdAt_idx" ON "SyncTask"("errorCode", "createdAt");

-- CreateIndex
CREATE INDEX "SyncTask_correlationId_idx" ON "SyncTask"("correlationId");

-- CreateIndex
CREATE INDEX "SyncTask_receiptId_idx" ON "SyncTask"("receiptId");

-- CreateIndex
CREATE INDEX "SyncTask_passId_idx" ON "SyncTask"("passId");

-- CreateIndex
CREATE INDEX "SyncTask_replayOfId_idx" ON "SyncTask"("replayOfId");

-- CreateIndex
CREATE INDEX "SyncTask_createdAt_idx" ON "SyncTask"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "SyncTask_tenantId_dedupeKey_key" ON "SyncTask"("tenantId", "dedupeKey");

-- CreateIndex
CREATE INDEX "AuditLog_createdAt_idx" ON "AuditLog"("createdAt");

-- CreateIndex
CREATE INDEX "AuditLog_tenantId_createdAt_idx" ON "AuditLog"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditLog_targetType_targetId_idx" ON "AuditLog"("targetType", "targetId");

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Customer" ADD CONSTRAINT "Customer_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CustomerIdentifier" ADD CONSTRAINT "CustomerIdentifier_customerRecordId_fkey" FOREIGN KEY ("customerRecordId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PassType" ADD CONSTRAINT "PassType_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WalletCertificate" ADD CONSTRAINT "WalletCertificate_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Pass" ADD CONSTRAINT "Pass_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Pass" ADD CONSTRAINT "Pass_customerRecordId_fkey" FOREIGN KEY ("customerRecordId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Pass" ADD CONSTRAINT "Pass_passTypeId_fkey" FOREIGN KEY ("passTypeId") REFERENCES "PassType"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PassChange" ADD CONSTRAINT "PassChange_passId_fkey" FOREIGN KEY ("passId") REFERENCES "Pass"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PassChange" ADD CONSTRAINT "PassChange_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "SyncTask"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Registration" ADD CONSTRAINT "Registration_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Registration" ADD CONSTRAINT "Registration_passId_fkey" FOREIGN KEY ("passId") REFERENCES "Pass"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PushDelivery" ADD CONSTRAINT "PushDelivery_passId_fkey" FOREIGN KEY ("passId") REFERENCES "Pass"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PushDelivery" ADD CONSTRAINT "PushDelivery_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PassKitLog" ADD CONSTRAINT "PassKitLog_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookReceipt" ADD CONSTRAINT "WebhookReceipt_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncTask" ADD CONSTRAINT "SyncTask_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncTask" ADD CONSTRAINT "SyncTask_receiptId_fkey" FOREIGN KEY ("receiptId") REFERENCES "WebhookReceipt"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncTask" ADD CONSTRAINT "SyncTask_replayOfId_fkey" FOREIGN KEY ("replayOfId") REFERENCES "SyncTask"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditLog" ADD CONSTRAINT "AuditLog_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE SET NULL ON UPDATE CASCADE;
