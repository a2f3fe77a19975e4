-- A customer's passes by customer alone: a pass update locks them with WHERE customerRecordId = $1,
-- which the (tenantId, customerRecordId) index could only answer by a full scan of the index
-- (33 ms on 200,000 passes, on every pushUpdate). The customer implies its tenant.
DROP INDEX "Pass_tenantId_customerRecordId_idx";
CREATE INDEX "Pass_customerRecordId_idx" ON "Pass"("customerRecordId");
