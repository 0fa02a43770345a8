// A bulk job's rows from an uploaded CSV file: a header of Frame's field names, then one token body per row
// (metadata as a JSON object in its cell). Read with csv-parse, which is Node-only (it works on Buffers), so
// this lives with the bulk service and not in the browser-safe frame/ (the SPA sends the file as text).
import { parse, CsvError, type InfoRecord } from 'csv-parse/sync';
import { BULK_MAX } from '../frame/bulk-template.js';
import { TOKEN_FIELDS, validateTokenBody, type FieldIssue, type TokenRequestBody } from '../frame/token-body.js';

export interface CsvRow {
  /** The line of the file the row starts on (1-based, blank lines and line breaks inside quotes counted). */
  line: number;
  cells: string[];
}

export type CsvRead = { ok: true; rows: CsvRow[] } | { ok: false; issue: FieldIssue };

const LINE_BREAK = /\r\n|\r|\n/g;
const breaks = (text: string) => text.match(LINE_BREAK)?.length ?? 0;
const leadingBreaks = (text: string) => breaks(/^[\r\n]*/.exec(text)![0]);

/** RFC 4180 records with the line each starts on; rows of blank cells are left out. */
export function readCsv(text: string): CsvRead {
  const bytes = Buffer.from(text.replace(/^\uFEFF/, ''));
  const rows: CsvRow[] = [];
  // csv-parse counts a CRLF inside a quoted cell as two lines, so lines are counted here, in the bytes from
  // the end of one record to the end of the next (skipped blank lines, the record, its line break).
  let breaksBefore = 0;
  let consumed = 0;
  const onRecord = (cells: string[], info: InfoRecord) => {
    const raw = bytes.toString('utf8', consumed, info.bytes);
    rows.push({ line: 1 + breaksBefore + leadingBreaks(raw), cells });
    breaksBefore += breaks(raw);
    consumed = info.bytes;
    return null;
  };
  try {
    parse(bytes, {
      on_record: onRecord,
      skip_empty_lines: true,
      // Rows may be shorter than the header (the missing cells are empty); longer ones are reported below.
      relax_column_count: true,
      // A quote inside an unquoted cell (O"Brien) is kept as written, as spreadsheets read it.
      relax_quotes: true,
      record_delimiter: ['\r\n', '\n', '\r'],
    });
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    // The record that failed starts after the last one read, past any blank lines.
    const line = 1 + breaksBefore + leadingBreaks(bytes.toString('utf8', consumed));
    const message =
      err.code === 'CSV_QUOTE_NOT_CLOSED'
        ? 'a quoted cell is never closed (a " without its closing ")'
        : `the CSV cannot be read: ${err.message}`;
    return { ok: false, issue: { field: `line ${line}`, message: `line ${line}: ${message}` } };
  }
  return { ok: true, rows: rows.filter((r) => r.cells.some((cell) => cell.trim() !== '')) };
}

export type CsvBodies = { ok: true; bodies: TokenRequestBody[] } | { ok: false; issues: FieldIssue[] };

/** Bodies from CSV text; every problem is reported with its line. */
export function bodiesFromCsv(text: string): CsvBodies {
  const read = readCsv(text);
  if (!read.ok) return { ok: false, issues: [read.issue] };
  const [header, ...data] = read.rows;
  if (!header) return { ok: false, issues: [{ field: 'csv', message: 'the CSV file is empty' }] };
  const columns = header.cells.map((h) => h.trim());
  const unknown = columns.filter((c) => !(TOKEN_FIELDS as readonly string[]).includes(c));
  if (unknown.length)
    return { ok: false, issues: [{ field: 'csv', message: `unknown column(s) ${unknown.join(', ')}; use ${TOKEN_FIELDS.join(', ')}` }] };
  if (data.length === 0) return { ok: false, issues: [{ field: 'csv', message: 'the CSV file has a header but no rows' }] };
  if (data.length > BULK_MAX) return { ok: false, issues: [{ field: 'csv', message: `at most ${BULK_MAX} rows (got ${data.length})` }] };
  const issues: FieldIssue[] = [];
  const bodies = data.map(({ line, cells }) => {
    const problem = (message: string) => issues.push({ field: `line ${line}`, message: `line ${line}: ${message}` });
    // A cell past the header's columns would otherwise be dropped without a word.
    if (cells.length > columns.length) problem(`${cells.length} cells, but the header names ${columns.length} column(s)`);
    const raw: Record<string, unknown> = {};
    columns.forEach((column, j) => {
      const cell = cells[j] ?? '';
      if (cell === '') return;
      if (column === 'metadata') {
        // Parsed without recursion (JSON.parse); validateTokenBody below refuses deep nesting before any
        // check that recurses.
        try {
          raw.metadata = JSON.parse(cell);
        } catch {
          problem('metadata is not valid JSON');
        }
      } else raw[column] = cell;
    });
    const check = validateTokenBody(raw);
    if (!check.ok) for (const issue of check.issues) problem(issue.message);
    return raw as TokenRequestBody;
  });
  return issues.length ? { ok: false, issues: issues.slice(0, 50) } : { ok: true, bodies };
}
