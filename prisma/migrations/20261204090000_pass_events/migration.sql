-- Pass lifecycle events (server/passes/events.ts): the install funnel and the Klaviyo events.
CREATE TYPE "PassEventKind" AS ENUM ('ISSUED', 'PAGE_OPENED', 'DOWNLOADED', 'INSTALLED', 'REMOVED', 'UPDATED');
CREATE TYPE "WalletPlatform" AS ENUM ('APPLE', 'GOOGLE');

CREATE TABLE "PassEvent" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "passId" TEXT NOT NULL,
    "passTypeId" TEXT NOT NULL,
    "kind" "PassEventKind" NOT NULL,
    "platform" "WalletPlatform",
    "detail" JSONB,
    "dedupeKey" TEXT,
    "occurredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PassEvent_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "PassEvent_tenantId_dedupeKey_key" ON "PassEvent"("tenantId", "dedupeKey");
CREATE INDEX "PassEvent_passId_occurredAt_idx" ON "PassEvent"("passId", "occurredAt");
CREATE INDEX "PassEvent_tenantId_passTypeId_kind_occurredAt_idx" ON "PassEvent"("tenantId", "passTypeId", "kind", "occurredAt");
CREATE INDEX "PassEvent_occurredAt_idx" ON "PassEvent"("occurredAt");

ALTER TABLE "PassEvent" ADD CONSTRAINT "PassEvent_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "PassEvent" ADD CONSTRAINT "PassEvent_passId_fkey" FOREIGN KEY ("passId") REFERENCES "Pass"("id") ON DELETE CASCADE ON UPDATE CASCADE;
