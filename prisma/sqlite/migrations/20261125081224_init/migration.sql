-- CreateTable
CREATE TABLE "CredentialSet" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "secretCiphertext" TEXT NOT NULL,
    "secretKeyId" TEXT NOT NULL,
    "secretFingerprint" TEXT NOT NULL,
    "secretSetAt" DATETIME NOT NULL,
    "upstreamUrl" TEXT NOT NULL,
    "entityLevel" TEXT,
    "entityId" TEXT,
    "notes" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Provider" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "tokenDurationMin" INTEGER NOT NULL,
    "entityLevel" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "credentialSetId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Provider_credentialSetId_fkey" FOREIGN KEY ("credentialSetId") REFERENCES "CredentialSet" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "CredentialSet_name_key" ON "CredentialSet"("name");

-- CreateIndex
CREATE UNIQUE INDEX "CredentialSet_upstreamUrl_clientId_key" ON "CredentialSet"("upstreamUrl", "clientId");

-- CreateIndex
CREATE UNIQUE INDEX "Provider_name_key" ON "Provider"("name");

-- CreateIndex
CREATE INDEX "Provider_credentialSetId_idx" ON "Provider"("credentialSetId");
