// A bulk job's results file (NDJSON, one ResultLine per row) read back as the download: CSV through the
// console's one CSV writer, or a JSON array, streamed either way.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { csvStream, type CsvColumn } from '../export/csv.js';
import type { ResultLine } from './bulk-job.js';

const RESULT_COLUMNS: readonly CsvColumn<ResultLine>[] = [
  { header: 'row', cell: (r) => r.row },
  { header: 'ok', cell: (r) => r.ok },
  { header: 'token', cell: (r) => r.token },
  { header: 'launch_link', cell: (r) => r.launchLink },
  { header: 'exp', cell: (r) => r.exp },
  { header: 'sub', cell: (r) => r.sub },
  { header: 'email', cell: (r) => r.email },
  { header: 'jti', cell: (r) => r.jti },
  { header: 'error', cell: (r) => r.error },
  { header: 'message', cell: (r) => r.message },
];

async function* lines(file: string): AsyncGenerator<string> {
  for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) if (text) yield text;
}

async function* results(file: string): AsyncGenerator<ResultLine> {
  for await (const text of lines(file)) yield JSON.parse(text) as ResultLine;
}

export function resultStream(file: string, format: 'csv' | 'json'): Readable {
  if (format === 'csv') return csvStream(RESULT_COLUMNS, results(file));
  return Readable.from((async function* () {
    let first = true;
    yield '[';
    for await (const text of lines(file)) {
      yield `${first ? '' : ','}\n${text}`;
      first = false;
    }
    yield '\n]\n';
  })());
}
