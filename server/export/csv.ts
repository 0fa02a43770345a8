// The one CSV writer of every export (bulk results, the audit log), on csv-stringify: RFC 4180 records
// (CRLF, a cell with a comma, quote, CR or LF quoted and its quotes doubled) and no formula a spreadsheet
// would run. Cells come from upstream answers (a token's sub, jti, email) and from user input (emails,
// names), so any of them may start with "=HYPERLINK(...)".
import { Readable, pipeline } from 'node:stream';
import { stringify, type Options } from 'csv-stringify';
import { stringify as stringifySync } from 'csv-stringify/sync';

export type CsvCell = string | number | boolean | null | undefined;

export interface CsvColumn<T> {
  readonly header: string;
  readonly cell: (row: T) => CsvCell;
}

export const CSV_OPTIONS: Options = {
  record_delimiter: 'windows',
  // With a record delimiter given, csv-stringify would quote only cells holding CRLF itself; a lone CR or
  // LF must be quoted too, or a reader splits the record there.
  quote_record_delimiter: true,
  // OWASP's CSV-injection rule, as csv-stringify implements it: a string cell starting with =, +, -, @,
  // tab or CR (or the full-width =, +, -, @ some spreadsheets normalise) gets a leading apostrophe, so it
  // is shown as text. Numbers are left alone (a negative number is no formula), and only the first
  // character is looked at, so tokens and ids are never altered.
  escape_formulas: true,
  cast: { boolean: (value) => (value ? 'true' : 'false') },
};

function record<T>(columns: readonly CsvColumn<T>[], row: T): CsvCell[] {
  return columns.map((c) => c.cell(row));
}

/** A whole CSV document (header row first) for rows already at hand. */
export function csvText<T>(columns: readonly CsvColumn<T>[], rows: Iterable<T>): string {
  const records: CsvCell[][] = [columns.map((c) => c.header)];
  for (const row of rows) records.push(record(columns, row));
  return stringifySync(records, CSV_OPTIONS);
}

/** The same document streamed, for rows read as they are written (a bulk job's results file). */
export function csvStream<T>(columns: readonly CsvColumn<T>[], rows: AsyncIterable<T> | Iterable<T>): Readable {
  async function* records(): AsyncGenerator<CsvCell[]> {
    yield columns.map((c) => c.header);
    for await (const row of rows) yield record(columns, row);
  }
  const out = stringify(CSV_OPTIONS);
  // A failing source destroys the output with its error, so the download is cut short, never silently whole.
  pipeline(Readable.from(records()), out, () => {});
  return out;
}
