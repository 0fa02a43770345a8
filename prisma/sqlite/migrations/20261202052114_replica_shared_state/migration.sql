-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN "rateAt" BIGINT;
ALTER TABLE "ApiKey" ADD COLUMN "rateTokens" REAL;

-- CreateTable
CREATE TABLE "CacheGeneration" (
    "topic" TEXT NOT NULL PRIMARY KEY,
    "version" BIGINT NOT NULL DEFAULT 0
);
