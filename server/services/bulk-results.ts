// A bulk job's results file (NDJSON, one ResultLine per row): written by the job's workers, read back as the
// download (CSV through the console's one CSV writer, or a JSON array, streamed either way).
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable, type Writable } from 'node:stream';
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
  return Readable.from(
    (async function* () {
      let first = true;
      yield '[';
      for await (const text of lines(file)) {
        yield `${first ? '' : ','}\n${text}`;
        first = false;
      }
      yield '\n]\n';
    })(),
  );
}

/** The results file as the job writes it. */
export interface ResultSink {
  /** Appends one line, waiting while the file is behind; rejects once the file has failed. */
  write(line: ResultLine): Promise<void>;
  /** Ends the file and waits until it is closed (or has failed). */
  close(): Promise<void>;
  /** The first error the file raised (a full disk, a removed directory), if any. */
  readonly error: Error | null;
}

export function openResultFile(file: string): Writable {
  return createWriteStream(file, { mode: 0o600 });
}

/** Writes result lines to a stream, holding on to its first error instead of letting it end the process. */
export function resultSink(out: Writable): ResultSink {
  let error: Error | null = null;
  // An 'error' event without a listener is thrown: a full disk would end the console, every job and request.
  out.on('error', (err: Error) => (error ??= err));
  // Read through a function: the listener may set it while a write awaits, which narrowing cannot see.
  const failIfBroken = (): void => {
    if (error) throw error;
  };
  // Writers share one wait for 'drain' instead of each adding a listener; it rejects if the file fails.
  let drained: Promise<unknown> | null = null;
  return {
    get error() {
      return error;
    },
    async write(line) {
      failIfBroken();
      if (!out.write(`${JSON.stringify(line)}\n`)) drained ??= once(out, 'drain').finally(() => (drained = null));
      if (drained) await drained;
      failIfBroken();
    },
    async close() {
      if (out.closed) return;
      const closed = once(out, 'close').catch(() => undefined);
      out.end();
      await closed;
    },
  };
}

/** What a job says when its results file failed: the system's code, what to check. */
export function resultsFailed(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code ?? err.message;
  return `its results could not be written to disk (${code}): check the free space and permissions of the data directory`;
}
