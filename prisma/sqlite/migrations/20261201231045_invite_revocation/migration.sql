-- AlterTable
ALTER TABLE "Invite" ADD COLUMN "revokedAt" DATETIME;

-- CreateIndex
CREATE INDEX "Invite_email_idx" ON "Invite"("email");

-- CreateIndex
CREATE INDEX "Invite_createdById_idx" ON "Invite"("createdById");
