-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN "bulkJobId" TEXT;

-- CreateIndex
CREATE INDEX "AuditEvent_bulkJobId_idx" ON "AuditEvent"("bulkJobId");

-- Backfill: rows written before the column name their bulk job in their (hashed) detail only.
UPDATE "AuditEvent" SET "bulkJobId" = json_extract("detail", '$.jobId')
WHERE json_valid("detail") AND json_type("detail", '$.jobId') = 'text';
