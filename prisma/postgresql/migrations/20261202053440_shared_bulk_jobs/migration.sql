-- CreateTable
CREATE TABLE "BulkJob" (
    "id" TEXT NOT NULL,
    "providerId" TEXT NOT NULL,
    "providerName" TEXT NOT NULL,
    "providerLabel" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "ownerEmail" TEXT NOT NULL,
    "total" INTEGER NOT NULL,
    "concurrency" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "done" INTEGER NOT NULL DEFAULT 0,
    "ok" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "failures" TEXT NOT NULL DEFAULT '[]',
    "stopReason" TEXT,
    "startedAt" BIGINT NOT NULL,
    "finishedAt" BIGINT,
    "runner" TEXT NOT NULL,
    "heartbeatAt" BIGINT NOT NULL,
    "cancelRequest" TEXT,
    "resultsKept" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "BulkJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BulkResult" (
    "jobId" TEXT NOT NULL,
    "row" INTEGER NOT NULL,
    "sealed" TEXT NOT NULL,

    CONSTRAINT "BulkResult_pkey" PRIMARY KEY ("jobId","row")
);

-- CreateIndex
CREATE INDEX "BulkJob_ownerId_state_idx" ON "BulkJob"("ownerId", "state");

-- CreateIndex
CREATE INDEX "BulkJob_state_heartbeatAt_idx" ON "BulkJob"("state", "heartbeatAt");

-- CreateIndex
CREATE INDEX "BulkJob_startedAt_idx" ON "BulkJob"("startedAt");
