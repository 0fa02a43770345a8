-- CreateTable
CREATE TABLE "MintRecord" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "providerId" TEXT,
    "providerName" TEXT NOT NULL,
    "actor" TEXT NOT NULL DEFAULT 'console',
    "params" TEXT NOT NULL,
    "jti" TEXT,
    "sub" TEXT,
    "exp" DATETIME,
    "outcome" TEXT NOT NULL,
    "latencyMs" REAL NOT NULL,
    "tokenSealed" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MintRecord_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "Provider" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Preset" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "providerId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "params" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Preset_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "Provider" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "MintRecord_providerId_createdAt_idx" ON "MintRecord"("providerId", "createdAt");

-- CreateIndex
CREATE INDEX "MintRecord_createdAt_idx" ON "MintRecord"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Preset_providerId_name_key" ON "Preset"("providerId", "name");
