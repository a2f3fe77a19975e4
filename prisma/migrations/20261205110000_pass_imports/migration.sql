-- Bulk enrolment (server/passes/imports.ts, the pass-import function): the import record, its
-- file in chunks until it finishes, and its refused rows.
CREATE TYPE "PassImportStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED');

CREATE TABLE "PassImport" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "passTypeId" TEXT NOT NULL,
    "status" "PassImportStatus" NOT NULL DEFAULT 'QUEUED',
    "fileName" TEXT,
    "columns" TEXT[],
    "total" INTEGER NOT NULL,
    "bytes" INTEGER NOT NULL,
    "cursor" INTEGER NOT NULL DEFAULT 0,
    "cursorByte" INTEGER NOT NULL DEFAULT 0,
    "doneParts" JSONB NOT NULL DEFAULT '[]',
    "issued" INTEGER NOT NULL DEFAULT 0,
    "existing" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "actor" TEXT NOT NULL,
    "correlationId" TEXT NOT NULL,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PassImport_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "PassImport_tenantId_createdAt_idx" ON "PassImport"("tenantId", "createdAt");
CREATE INDEX "PassImport_status_createdAt_idx" ON "PassImport"("status", "createdAt");
ALTER TABLE "PassImport" ADD CONSTRAINT "PassImport_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "PassImport" ADD CONSTRAINT "PassImport_passTypeId_fkey" FOREIGN KEY ("passTypeId") REFERENCES "PassType"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "PassImportChunk" (
    "importId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "offset" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,
    CONSTRAINT "PassImportChunk_pkey" PRIMARY KEY ("importId", "seq")
);
ALTER TABLE "PassImportChunk" ADD CONSTRAINT "PassImportChunk_importId_fkey" FOREIGN KEY ("importId") REFERENCES "PassImport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "PassImportError" (
    "id" TEXT NOT NULL,
    "importId" TEXT NOT NULL,
    "row" INTEGER NOT NULL,
    "column" TEXT,
    "reason" TEXT NOT NULL,
    CONSTRAINT "PassImportError_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "PassImportError_importId_row_idx" ON "PassImportError"("importId", "row");
ALTER TABLE "PassImportError" ADD CONSTRAINT "PassImportError_importId_fkey" FOREIGN KEY ("importId") REFERENCES "PassImport"("id") ON DELETE CASCADE ON UPDATE CASCADE;
