-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_CredentialSet" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "secretCiphertext" TEXT NOT NULL,
    "secretKeyId" TEXT NOT NULL,
    "secretFingerprint" TEXT NOT NULL,
    "secretSetAt" DATETIME NOT NULL,
    "secretSetBy" TEXT NOT NULL DEFAULT 'console',
    "upstreamUrl" TEXT NOT NULL,
    "entityLevel" TEXT,
    "entityId" TEXT,
    "notes" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_CredentialSet" ("clientId", "createdAt", "entityId", "entityLevel", "id", "name", "notes", "secretCiphertext", "secretFingerprint", "secretKeyId", "secretSetAt", "updatedAt", "upstreamUrl") SELECT "clientId", "createdAt", "entityId", "entityLevel", "id", "name", "notes", "secretCiphertext", "secretFingerprint", "secretKeyId", "secretSetAt", "updatedAt", "upstreamUrl" FROM "CredentialSet";
DROP TABLE "CredentialSet";
ALTER TABLE "new_CredentialSet" RENAME TO "CredentialSet";
CREATE UNIQUE INDEX "CredentialSet_name_key" ON "CredentialSet"("name");
CREATE UNIQUE INDEX "CredentialSet_upstreamUrl_clientId_key" ON "CredentialSet"("upstreamUrl", "clientId");
CREATE TABLE "new_Provider" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "tokenDurationMin" INTEGER NOT NULL,
    "entityLevel" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "tags" TEXT NOT NULL DEFAULT '[]',
    "credentialSetId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Provider_credentialSetId_fkey" FOREIGN KEY ("credentialSetId") REFERENCES "CredentialSet" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Provider" ("createdAt", "credentialSetId", "description", "entityId", "entityLevel", "id", "name", "tokenDurationMin", "updatedAt") SELECT "createdAt", "credentialSetId", "description", "entityId", "entityLevel", "id", "name", "tokenDurationMin", "updatedAt" FROM "Provider";
DROP TABLE "Provider";
ALTER TABLE "new_Provider" RENAME TO "Provider";
CREATE UNIQUE INDEX "Provider_name_key" ON "Provider"("name");
CREATE INDEX "Provider_credentialSetId_idx" ON "Provider"("credentialSetId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
