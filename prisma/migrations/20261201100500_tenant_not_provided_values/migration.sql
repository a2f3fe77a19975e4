-- Values a tenant's Klaviyo templates render for a missing property ("-", "N/A"): read as "not
-- provided", like the blank string, in identifiers and field values. Empty: the blank string only.
ALTER TABLE "Tenant" ADD COLUMN "notProvidedValues" TEXT[] DEFAULT ARRAY[]::TEXT[];
