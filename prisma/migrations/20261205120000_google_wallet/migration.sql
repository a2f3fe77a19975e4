-- Google Wallet (server/wallet/google): the tenant issuer, the class of each pass type, the
-- object of each pass and the PATCHes written to it.

ALTER TABLE "Tenant" ADD COLUMN "googleIssuerId" TEXT,
                     ADD COLUMN "googleServiceAccountEncrypted" TEXT;

CREATE TABLE "GoogleWalletClass" (
    "passTypeId" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "classId" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "revision" INTEGER,
    "reviewStatus" TEXT,
    "lastError" TEXT,
    "syncedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "GoogleWalletClass_pkey" PRIMARY KEY ("passTypeId")
);
CREATE UNIQUE INDEX "GoogleWalletClass_classId_key" ON "GoogleWalletClass"("classId");
CREATE INDEX "GoogleWalletClass_tenantId_idx" ON "GoogleWalletClass"("tenantId");
ALTER TABLE "GoogleWalletClass" ADD CONSTRAINT "GoogleWalletClass_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "GoogleWalletClass" ADD CONSTRAINT "GoogleWalletClass_passTypeId_fkey" FOREIGN KEY ("passTypeId") REFERENCES "PassType"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "GoogleWalletObject" (
    "passId" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "objectId" TEXT NOT NULL,
    "classId" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "body" JSONB NOT NULL,
    "versionTag" BIGINT NOT NULL,
    "state" TEXT NOT NULL,
    "saved" BOOLEAN NOT NULL DEFAULT false,
    "savedAt" TIMESTAMP(3),
    "removedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "GoogleWalletObject_pkey" PRIMARY KEY ("passId")
);
CREATE UNIQUE INDEX "GoogleWalletObject_objectId_key" ON "GoogleWalletObject"("objectId");
CREATE INDEX "GoogleWalletObject_tenantId_idx" ON "GoogleWalletObject"("tenantId");
ALTER TABLE "GoogleWalletObject" ADD CONSTRAINT "GoogleWalletObject_passId_fkey" FOREIGN KEY ("passId") REFERENCES "Pass"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "GoogleWalletPatch" (
    "id" TEXT NOT NULL,
    "passId" TEXT NOT NULL,
    "versionTag" BIGINT NOT NULL,
    "keys" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "notified" BOOLEAN NOT NULL DEFAULT false,
    "mutedReason" TEXT,
    "status" INTEGER,
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "GoogleWalletPatch_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "GoogleWalletPatch_passId_versionTag_key" ON "GoogleWalletPatch"("passId", "versionTag");
CREATE INDEX "GoogleWalletPatch_passId_createdAt_idx" ON "GoogleWalletPatch"("passId", "createdAt");
ALTER TABLE "GoogleWalletPatch" ADD CONSTRAINT "GoogleWalletPatch_passId_fkey" FOREIGN KEY ("passId") REFERENCES "Pass"("id") ON DELETE CASCADE ON UPDATE CASCADE;
