// The one text form of a DateTime in the console's own SQL: what Prisma's SQLite adapter stores
// ("2026-12-02T05:00:00.123+00:00"), so raw and Prisma-written rows sort and compare alike there, and what
// rows read back as on either backend (postgres-sql.ts turns PostgreSQL's timestamps into it). The audit
// chain hashes this text: one canonical form, so audit:verify answers the same on both backends.
export function storedDate(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '+00:00');
}
