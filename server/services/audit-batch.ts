// The audit writer's statements for a whole batch at once (audit-writer.ts): a group commit of N rows costs a
// few round trips, not one or two per row. Begun rows go in one multi-row INSERT, completions in one
// UPDATE … FROM (VALUES …); both in the SQL SQLite (≥ 3.33) and PostgreSQL share, chunked so a statement stays
// well under SQLite's parameter limit.
import type { SqlRunner, SqlValue } from '../db/sql.js';
import type { AuditRow } from './audit-rows.js';

/** Rows per statement: 500 × 11 parameters is far below SQLite's 32766, and a statement PostgreSQL plans fast. */
export const ROWS_PER_STATEMENT = 500;

/** A row as begin() writes it (outcome "pending"). */
export type BegunRow = Omit<AuditRow, 'seq' | 'outcome' | 'chainIndex' | 'prevHash' | 'hash' | 'bulkJobId'>;

/** A completion as computed in chain order: the row's new fields. */
export interface Completion {
  seq: number;
  outcome: string;
  detail: string;
  chainIndex: number;
  prevHash: string;
  hash: string;
}

const BEGUN_COLUMNS = ['at', 'actor', 'actorId', 'action', 'target', 'providerId', 'detail', 'requestId', 'ip'] as const;

export function chunks<T>(items: readonly T[], size = ROWS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const tuple = (n: number) => `(${Array.from({ length: n }, () => '?').join(', ')})`;

/**
 * Inserts pending rows in one statement per chunk; their seqs, in the order given. The serial (PostgreSQL)
 * or autoincrement (SQLite) column numbers the rows of one INSERT in VALUES order, so the k-th smallest seq
 * returned is the k-th row. That mapping is checked, not trusted: each returned row must carry the fields of
 * the row it is mapped to (two rows equal in every field may swap seqs harmlessly), else the statement
 * throws and the batch falls back to writing each row alone.
 */
export async function insertPending(tx: SqlRunner, rows: readonly (BegunRow & { bulkJobId: string | null })[]): Promise<number[]> {
  const seqs: number[] = [];
  for (const chunk of chunks(rows)) {
    const sql = `INSERT INTO "AuditEvent" (${BEGUN_COLUMNS.map((c) => `"${c}"`).join(', ')}, "outcome", "bulkJobId")
      VALUES ${chunk.map(() => tuple(BEGUN_COLUMNS.length + 2)).join(', ')}
      RETURNING "seq", ${BEGUN_COLUMNS.map((c) => `"${c}"`).join(', ')}`;
    const params: SqlValue[] = chunk.flatMap((row) => [...BEGUN_COLUMNS.map((c) => row[c]), 'pending', row.bulkJobId]);
    const back = (await tx.all<BegunRow & { seq: number | bigint }>(sql, params)).sort((a, b) => Number(a.seq) - Number(b.seq));
    if (back.length !== chunk.length) throw new Error(`${back.length} of ${chunk.length} audit rows were inserted`);
    back.forEach((got, i) => {
      const mismatch = BEGUN_COLUMNS.find((c) => got[c] !== chunk[i]![c]);
      if (mismatch) throw new Error(`audit row ${got.seq} came back with another row's ${mismatch}`);
      seqs.push(Number(got.seq));
    });
  }
  return seqs;
}

/** Reads rows this process did not begin (another replica's, or a restarted process's), by seq. */
export async function readRows(tx: SqlRunner, seqs: readonly number[]): Promise<Map<number, AuditRow>> {
  const found = new Map<number, AuditRow>();
  for (const chunk of chunks(seqs)) {
    const rows = await tx.all<AuditRow>(`SELECT * FROM "AuditEvent" WHERE "seq" IN (${chunk.map(() => '?').join(', ')})`, chunk);
    for (const row of rows) found.set(Number(row.seq), row);
  }
  return found;
}

/**
 * Writes completions in one statement per chunk, each only onto a row still pending; throws unless every one
 * changed its row (a row missing, already complete, or named twice). PostgreSQL cannot infer the type of a
 * VALUES parameter compared with an integer column: those are cast.
 */
export async function writeCompletions(tx: SqlRunner, completions: readonly Completion[]): Promise<void> {
  for (const chunk of chunks(completions)) {
    const sql = `UPDATE "AuditEvent" SET "outcome" = v.column2, "detail" = v.column3, "chainIndex" = v.column4, "prevHash" = v.column5,
      "hash" = v.column6
      FROM (VALUES ${chunk.map(() => '(CAST(? AS INTEGER), ?, ?, CAST(? AS INTEGER), ?, ?)').join(', ')}) AS v
      WHERE "AuditEvent"."seq" = v.column1 AND "AuditEvent"."hash" IS NULL`;
    const params = chunk.flatMap((c) => [c.seq, c.outcome, c.detail, c.chainIndex, c.prevHash, c.hash]);
    const changed = await tx.run(sql, params);
    if (changed !== chunk.length) throw new Error(`${changed} of ${chunk.length} audit rows could be completed`);
  }
}
