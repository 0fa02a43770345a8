-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "rateAt" BIGINT,
ADD COLUMN     "rateTokens" DOUBLE PRECISION;

-- CreateTable
CREATE TABLE "CacheGeneration" (
    "topic" TEXT NOT NULL,
    "version" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "CacheGeneration_pkey" PRIMARY KEY ("topic")
);
