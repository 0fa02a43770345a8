// Bulk parameters: a template whose strings may hold {n} (1-based row number), or rows from a CSV file with
// a header of Frame's field names (metadata as a JSON object in its cell). Pure and browser-safe.
import { TOKEN_FIELDS, validateTokenBody, type FieldIssue, type TokenRequestBody } from './token-body.js';

export const BULK_MAX = 10_000;

function fill(value: unknown, n: number): unknown {
  if (typeof value === 'string') return value.replace(/\{n\}/g, String(n));
  if (Array.isArray(value)) return value.map((v) => fill(v, n));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, n)]));
  return value;
}

/** The body of row n (1-based) from a template. */
export function bodyFromTemplate(template: TokenRequestBody, n: number): TokenRequestBody {
  return fill(template, n) as TokenRequestBody;
}

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((cell) => cell.trim() !== ''));
}

export type CsvBodies = { ok: true; bodies: TokenRequestBody[] } | { ok: false; issues: FieldIssue[] };

/** Bodies from CSV text; every problem is reported with its line. */
export function bodiesFromCsv(text: string): CsvBodies {
  const [header, ...data] = parseCsv(text.replace(/^\uFEFF/, ''));
  if (!header) return { ok: false, issues: [{ field: 'csv', message: 'the CSV file is empty' }] };
  const columns = header.map((h) => h.trim());
  const unknown = columns.filter((c) => !(TOKEN_FIELDS as readonly string[]).includes(c));
  if (unknown.length) return { ok: false, issues: [{ field: 'csv', message: `unknown column(s) ${unknown.join(', ')}; use ${TOKEN_FIELDS.join(', ')}` }] };
  if (data.length === 0) return { ok: false, issues: [{ field: 'csv', message: 'the CSV file has a header but no rows' }] };
  if (data.length > BULK_MAX) return { ok: false, issues: [{ field: 'csv', message: `at most ${BULK_MAX} rows (got ${data.length})` }] };
  const issues: FieldIssue[] = [];
  const bodies = data.map((cells, i) => {
    const line = i + 2;
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
          issues.push({ field: `line ${line}`, message: `line ${line}: metadata is not valid JSON` });
        }
      } else raw[column] = cell;
    });
    const check = validateTokenBody(raw);
    if (!check.ok) for (const issue of check.issues) issues.push({ field: `line ${line}`, message: `line ${line}: ${issue.message}` });
    return raw as TokenRequestBody;
  });
  return issues.length ? { ok: false, issues: issues.slice(0, 50) } : { ok: true, bodies };
}
