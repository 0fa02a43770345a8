-- CreateTable
CREATE TABLE "QuotaDay" (
    "userId" TEXT NOT NULL,
    "day" INTEGER NOT NULL,
    "used" INTEGER NOT NULL DEFAULT 0,
    "reserved" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "QuotaDay_pkey" PRIMARY KEY ("userId","day")
);
