// The row types services work with. Both generated clients (server/db/generated/<backend>) have identical
// model types, generated from the one prisma/models.prisma; they are taken from the SQLite client, the
// narrower of the two (PostgreSQL's adds query modes and isolation levels the console does not use).
export type { CredentialSet, Invite, MintRecord, PasswordReset, Preset, Prisma, Provider, User } from './generated/sqlite/client.js';
