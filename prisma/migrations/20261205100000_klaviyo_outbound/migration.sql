-- Wallet status and events back in Klaviyo (server/klaviyo/outbound.ts): the tenant private API
-- key, stored encrypted, and the two kinds of outbound sync task.
ALTER TABLE "Tenant" ADD COLUMN "klaviyoApiKeyEncrypted" TEXT;
ALTER TYPE "SyncTaskKind" ADD VALUE 'KLAVIYO_EVENT';
ALTER TYPE "SyncTaskKind" ADD VALUE 'KLAVIYO_PROFILE';
